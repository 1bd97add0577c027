package io.trimtab.spark.train;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.spark.objective.FeatureColumns;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import java.io.Serializable;
import java.util.Objects;

/**
 * What one fit trains with, as the estimator's Params give it: the columns, the epochs and
 * mini-batches, the update rule, the first epoch's setting, the tuning and the checkpoints. The
 * engine reads nothing else of the estimator.
 *
 * @param labelCol the label column
 * @param features where the features are: a vector column, or 64-bit indices and values
 * @param epochs passes over the data (>= 1)
 * @param batchesPerEpoch mini-batches (clocks) per epoch per worker (>= 1)
 * @param seed seed of the mini-batch cut and of each epoch's batch order (0: partition order)
 * @param rule the shards' update rule
 * @param first the first epoch's setting, before the cluster fills in its "0: all" defaults
 * @param tuning the knobs the tuner may switch, or null for {@code spark.trimtab.tuning}
 * @param targetLoss the training loss at which training stops, NaN for {@code
 *     spark.trimtab.tuner.targetLoss}
 * @param checkpointDir where to write checkpoints, or null for {@code spark.trimtab.checkpoint.dir}
 * @param resumeFrom the checkpoint to resume from, or null to start afresh
 * @param layout how the shards store the model table
 * @param placement where the trained model lives: gathered into the driver or kept on the shards
 */
public record TrainingSpec(
    String labelCol,
    FeatureColumns features,
    int epochs,
    int batchesPerEpoch,
    long seed,
    UpdateRule rule,
    FirstSetting first,
    String tuning,
    double targetLoss,
    String checkpointDir,
    String resumeFrom,
    TableLayout layout,
    ModelPlacement placement)
    implements Serializable {

  public TrainingSpec {
    Objects.requireNonNull(labelCol, "labelCol");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(placement, "placement");
    if (epochs < 1) {
      throw new IllegalArgumentException("Invalid epochs: " + epochs + " (must be >= 1)");
    }
    if (batchesPerEpoch < 1) {
      throw new IllegalArgumentException(
          "Invalid batches per epoch: " + batchesPerEpoch + " (must be >= 1)");
    }
  }

  /**
   * The first epoch's setting as the Params give it, where 0 shards or workers mean all of the
   * cluster's.
   *
   * @param shards shards of the model table (0: one per executor)
   * @param workers worker tasks (0: every task slot)
   */
  public record FirstSetting(
      StalenessBound staleness,
      Aggregation aggregation,
      int shards,
      PartitionerKind partitioner,
      int workers)
      implements Serializable {

    public FirstSetting {
      Objects.requireNonNull(staleness, "staleness");
      Objects.requireNonNull(aggregation, "aggregation");
      Objects.requireNonNull(partitioner, "partitioner");
      if (shards < 0 || workers < 0) {
        throw new IllegalArgumentException(
            "Invalid first setting: "
                + shards
                + " shards, "
                + workers
                + " workers (expected >= 0 each, 0 for all)");
      }
    }

    /**
     * The setting on a cluster of {@code clusterShards} shards and {@code taskSlots} task slots.
     *
     * @throws IllegalArgumentException if the staleness and the aggregation cannot go together
     */
    public Setting resolve(int clusterShards, int taskSlots) {
      return new Setting(
          staleness,
          aggregation,
          shards > 0 ? shards : clusterShards,
          partitioner,
          workers > 0 ? workers : taskSlots);
    }
  }
}
