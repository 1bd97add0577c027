package io.trimtab.tuner;

import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * When a trial window has measured enough, and what a trial is expected to gain. Stateless: it
 * reads the measurements and the scores it is given.
 */
final class TrialWindow {
  /** Relative standard error of the loss slope at which a trial has measured enough. */
  static final double SLOPE_PRECISION = 0.15;

  /** A trial is stretched to at most this many times its epochs. */
  static final int MAX_TRIAL_STRETCH = 3;

  private TrialWindow() {}

  /**
   * A trial window is done after its epochs and points, once its loss slope is known to within
   * {@value #SLOPE_PRECISION} (relative standard error of the slope of log-loss against iteration;
   * late in training an epoch moves the loss little against the mini-batch noise) or after {@value
   * #MAX_TRIAL_STRETCH} times its epochs.
   */
  static boolean done(Measured m, Scoreboard board, TunerConfig config, double loss) {
    if (m.segmentEpochs() < config.trialEpochs()
        || m.points() < config.minTrialPoints()
        || m.timedEpochs() == 0) {
      return false;
    }
    if (m.segmentEpochs() >= MAX_TRIAL_STRETCH * config.trialEpochs()) {
      return true;
    }
    // stretch only a promising trial: one already predicted far slower than the best gains nothing
    double own = board.remainingSeconds(m, loss);
    double best =
        board.all().stream()
            .filter(x -> x != m && !x.stale())
            .mapToDouble(x -> board.remainingSeconds(x, loss))
            .min()
            .orElse(Double.POSITIVE_INFINITY);
    if (own > TrialPlans.UNPROMISING * best) {
      return true;
    }
    SimpleRegression r = new SimpleRegression();
    double[] it = m.iterations();
    double[] losses = m.losses();
    for (int i = 0; i < it.length; i++) {
      r.addData(it[i], Math.log(losses[i]));
    }
    return r.getSlope() < 0 && r.getSlopeStdErr() < SLOPE_PRECISION * -r.getSlope();
  }

  /**
   * Expected seconds a trial of {@code c} gains: its expected improvement as a fraction of the best
   * predicted time {@code bestR}, less the progress the trial window is expected to lose if {@code
   * c} is as slow as predicted, less the switches there and back to {@code best}.
   */
  static double netGain(
      Candidate c,
      double bestR,
      Setting best,
      JobPosition p,
      SwitchCosts costs,
      TunerConfig config) {
    double epoch = p.epochSecondsOrZero();
    double in = costs.estimate(p.current(), c.setting(), epoch);
    double back = costs.estimate(c.setting(), best, epoch);
    double own = c.predictedSeconds() - in;
    double trialLoss =
        own > bestR && own > 0 ? epoch * config.trialEpochs() * (1 - bestR / own) : 0;
    return bestR * (1 - Math.exp(-c.expectedImprovement())) - trialLoss - in - back;
  }
}
