package io.trimtab.spark.train;

import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.spark.tune.TuningResult;
import java.io.Serializable;
import java.util.List;

/**
 * What a fit did (all empty or 0 for a loaded model, except the rows).
 *
 * @param epochs per-epoch metrics, in order
 * @param rows rows the model was trained on
 * @param tuning what the tuner did, or null if tuning was off
 * @param repeatedPushes pushes the shards received twice from retried or speculative attempts, and
 *     dropped
 * @param replayedClocks clocks trained again after shards were lost
 * @param recoveries one line per recovery from a lost shard
 * @param dataCutSeconds wall time of cutting the data into mini-batches before the first epoch (NaN
 *     for a loaded model)
 * @param checkpointSeconds wall time of each checkpoint the fit wrote, in order
 */
public record FitSummary(
    List<EpochMetrics> epochs,
    long rows,
    TuningResult tuning,
    long repeatedPushes,
    long replayedClocks,
    List<String> recoveries,
    double dataCutSeconds,
    List<Double> checkpointSeconds)
    implements Serializable {
  public FitSummary {
    epochs = List.copyOf(epochs);
    recoveries = List.copyOf(recoveries);
    checkpointSeconds = List.copyOf(checkpointSeconds);
  }

  /** The summary of a model read back from disk: only its training rows are saved. */
  public static FitSummary loaded(long rows) {
    return new FitSummary(List.of(), rows, null, 0, 0, List.of(), Double.NaN, List.of());
  }
}
