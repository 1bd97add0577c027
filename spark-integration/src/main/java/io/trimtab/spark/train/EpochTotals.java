package io.trimtab.spark.train;

import java.util.List;

/**
 * What all workers did in one epoch, as an {@link EpochRunner} adds it up.
 *
 * @param lossSum summed training loss
 * @param examples examples trained on
 * @param pullSeconds time in pulls, summed over tasks
 * @param computeSeconds time computing gradients, summed over tasks
 * @param pushSeconds time sending pushes, summed over tasks
 * @param maxStaleness the largest staleness of any read
 * @param taskSeconds each task's wall time, by worker (empty when the driver ran the clocks)
 * @param clockLoss summed loss per clock
 * @param clockExamples examples per clock
 */
record EpochTotals(
    double lossSum,
    long examples,
    double pullSeconds,
    double computeSeconds,
    double pushSeconds,
    long maxStaleness,
    double[] taskSeconds,
    double[] clockLoss,
    double[] clockExamples) {

  /** The sums over the tasks of an epoch of {@code clocks} clocks. */
  static EpochTotals of(List<TaskResult> tasks, int clocks) {
    double loss = 0;
    long examples = 0;
    long pull = 0;
    long compute = 0;
    long push = 0;
    long stale = 0;
    double[] taskSeconds = new double[tasks.size()];
    double[] clockLoss = new double[clocks];
    double[] clockExamples = new double[clocks];
    for (int w = 0; w < tasks.size(); w++) {
      TaskResult r = tasks.get(w);
      loss += r.lossSum();
      examples += r.examples();
      pull += r.pullNanos();
      compute += r.computeNanos();
      push += r.pushNanos();
      stale = Math.max(stale, r.maxStaleness());
      taskSeconds[w] = r.taskNanos() / 1e9;
      for (int b = 0; b < r.clockLoss().length && b < clocks; b++) {
        clockLoss[b] += r.clockLoss()[b];
        clockExamples[b] += r.clockExamples()[b];
      }
    }
    return new EpochTotals(
        loss,
        examples,
        pull / 1e9,
        compute / 1e9,
        push / 1e9,
        stale,
        taskSeconds,
        clockLoss,
        clockExamples);
  }

  /** The mean loss of each clock (NaN for a clock without examples). */
  double[] clockLosses() {
    double[] l = new double[clockLoss.length];
    for (int b = 0; b < l.length; b++) {
      l[b] = clockExamples[b] > 0 ? clockLoss[b] / clockExamples[b] : Double.NaN;
    }
    return l;
  }
}
