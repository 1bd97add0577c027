package io.trimtab.spark.tune;

import io.trimtab.tuner.Setting;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * What one training epoch did: its number and setting, how far training got, where the time went,
 * and what the tuner made of it. The accessors of the parts' fields are repeated here ({@link
 * #trainLoss()}, {@link #seconds()}, ...) for brevity at call sites.
 *
 * @param epoch 1-based epoch number
 * @param setting the setting the epoch ran with
 * @param progress the loss, examples and clock
 * @param timing wall time and the workers' time
 * @param tuner what the tuner decided after this epoch ({@link TunerNote#NONE} when untuned)
 */
public record EpochMetrics(
    int epoch, Setting setting, Progress progress, Timing timing, TunerNote tuner)
    implements Serializable {

  public EpochMetrics {
    if (epoch < 1) {
      throw new IllegalArgumentException("Invalid epoch: " + epoch + " (must be >= 1)");
    }
    Objects.requireNonNull(setting, "setting");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(tuner, "tuner");
  }

  /**
   * How far training got.
   *
   * @param trainLoss mean training loss of the epoch's examples (log-loss for the classifiers,
   *     squared error for a regression), each computed with the weights its mini-batch pulled
   *     (before that mini-batch's update); NaN without examples
   * @param examples examples processed
   * @param clock the table's clock after the epoch
   * @param maxStaleness the largest staleness of any read of the epoch: clocks between the reader's
   *     clock and the table clock it read at (0 under BSP; at most s under SSP(s))
   * @param clockLosses mean training loss of each clock of the epoch, in order (NaN for a clock
   *     with no examples): the loss curve the tuner fits
   */
  public record Progress(
      double trainLoss, long examples, long clock, long maxStaleness, double[] clockLosses)
      implements Serializable {
    public Progress {
      if (examples < 0 || clock < 0 || maxStaleness < 0) {
        throw new IllegalArgumentException(
            "Invalid epoch progress: "
                + examples
                + " examples, clock "
                + clock
                + ", staleness "
                + maxStaleness
                + " (expected >= 0 each)");
      }
      Objects.requireNonNull(clockLosses, "clockLosses");
    }
  }

  /**
   * Where the epoch's time went.
   *
   * @param seconds wall time of the epoch, driver-side, including scheduling
   * @param switchSeconds time spent before the epoch switching to its setting (0 if unchanged):
   *     moving parameters between shards, re-cutting data partitions, resetting worker clocks
   * @param pullSeconds time workers spent in pulls (summed over tasks), including waits for other
   *     workers
   * @param computeSeconds time workers spent computing gradients (summed over tasks)
   * @param pushSeconds time workers spent sending pushes (summed over tasks)
   * @param taskSeconds each task's wall time, indexed by worker (empty under driver-tree)
   */
  public record Timing(
      double seconds,
      double switchSeconds,
      double pullSeconds,
      double computeSeconds,
      double pushSeconds,
      double[] taskSeconds)
      implements Serializable {
    public Timing {
      if (!(seconds >= 0) || !(switchSeconds >= 0)) {
        throw new IllegalArgumentException(
            "Invalid epoch timing: "
                + seconds
                + " s, switch "
                + switchSeconds
                + " s (expected >= 0 each)");
      }
      Objects.requireNonNull(taskSeconds, "taskSeconds");
    }
  }

  /**
   * What the tuner made of the epoch.
   *
   * @param etaSeconds predicted seconds to the target after this epoch (NaN: untuned or not yet
   *     known)
   * @param decision the decision after this epoch, e.g. {@code "TRIAL ssp:3/direct/hash/2sh/4w"}
   *     (empty when untuned)
   * @param tunerSeconds time the tuner took to decide after this epoch (its own cost)
   */
  public record TunerNote(double etaSeconds, String decision, double tunerSeconds)
      implements Serializable {
    /** An untuned epoch. */
    public static final TunerNote NONE = new TunerNote(Double.NaN, "", 0);

    public TunerNote {
      Objects.requireNonNull(decision, "decision");
    }
  }

  /** The same epoch with the tuner's note after it. */
  public EpochMetrics withTuner(TunerNote note) {
    return new EpochMetrics(epoch, setting, progress, timing, note);
  }

  public double trainLoss() {
    return progress.trainLoss();
  }

  public long examples() {
    return progress.examples();
  }

  public long clock() {
    return progress.clock();
  }

  public long maxStaleness() {
    return progress.maxStaleness();
  }

  public double[] clockLosses() {
    return progress.clockLosses();
  }

  public double seconds() {
    return timing.seconds();
  }

  public double switchSeconds() {
    return timing.switchSeconds();
  }

  public double pullSeconds() {
    return timing.pullSeconds();
  }

  public double computeSeconds() {
    return timing.computeSeconds();
  }

  public double pushSeconds() {
    return timing.pushSeconds();
  }

  public double[] taskSeconds() {
    return timing.taskSeconds();
  }

  public double etaSeconds() {
    return tuner.etaSeconds();
  }

  /** The tuner's decision after this epoch (empty when untuned). */
  public String tuning() {
    return tuner.decision();
  }

  public double tunerSeconds() {
    return tuner.tunerSeconds();
  }

  /** Examples per second of wall time. */
  public double examplesPerSecond() {
    return seconds() > 0 ? examples() / seconds() : Double.NaN;
  }

  /** One line for logs and the console. */
  public String format(int totalEpochs) {
    long iterations = clockLosses().length;
    return String.format(
        Locale.ROOT,
        "epoch %d/%d  train loss %.5f  time %.2f s  %.4f s/iteration  examples/s %,.0f  clock %d  %s%s%s%s",
        epoch,
        totalEpochs,
        trainLoss(),
        seconds(),
        iterations > 0 ? seconds() / iterations : Double.NaN,
        examplesPerSecond(),
        clock(),
        setting,
        switchSeconds() > 0
            ? String.format(Locale.ROOT, "  (switched in %.2f s)", switchSeconds())
            : "",
        Double.isFinite(etaSeconds())
            ? String.format(Locale.ROOT, "  ETA %.1f s", etaSeconds())
            : "",
        tuning().isEmpty() ? "" : "  next: " + tuning());
  }
}
