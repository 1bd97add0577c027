package io.trimtab.spark.tune;

import java.io.Serializable;

/**
 * What the tuner did in one {@code fit}.
 *
 * @param decisionLog path of the decision log (JSON lines)
 * @param report path of the HTML tuning report
 * @param settingsTried distinct settings trained with
 * @param retunes re-tunings after a drift
 * @param finalSetting the setting of the last epoch
 * @param tunerSeconds time spent deciding (estimation and search)
 * @param instrumentationSeconds time spent writing the log, report and history
 * @param wallSeconds the job's training wall time
 * @param worstLagSeconds worst lag behind the first setting while exploring
 * @param guardSeconds the lag at which exploration stops
 * @param warmStarted whether the job started from a similar finished job's observations
 */
public record TuningResult(
    String decisionLog,
    String report,
    int settingsTried,
    int retunes,
    String finalSetting,
    double tunerSeconds,
    double instrumentationSeconds,
    double wallSeconds,
    double worstLagSeconds,
    double guardSeconds,
    boolean warmStarted)
    implements Serializable {

  /** The tuner's own cost as a fraction of the wall time. */
  public double overhead() {
    return (tunerSeconds + instrumentationSeconds) / wallSeconds;
  }
}
