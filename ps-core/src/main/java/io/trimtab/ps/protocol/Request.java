package io.trimtab.ps.protocol;

import io.trimtab.ps.TableSpec;
import io.trimtab.ps.partition.KeyPartitioner;

/** Messages a client sends to a shard server. Internal to Trimtab. */
public sealed interface Request {

  /** Create this shard's part of a table. */
  record CreateTable(int tableId, TableSpec spec, int shard, KeyPartitioner partitioner)
      implements Request {}

  /** Drop this shard's part of a table. */
  record DropTable(int tableId) implements Request {}

  /**
   * Set how many workers push to a table per clock, and whether a clock's pushes are summed and
   * applied together ({@code perClock}, BSP) or applied as they arrive. From then on the table's
   * clock is the lowest clock every worker has completed; 0 workers turn clocked pushes off. {@code
   * startClock >= 0} also sets the table clock (a moved table continues its clock).
   */
  record SetWorkers(int tableId, int numWorkers, boolean perClock, long startClock)
      implements Request {}

  /** Every key of this shard's part with its values and optimizer state (to move a table). */
  record Export(int tableId) implements Request {}

  /** Set these keys' values and optimizer state exactly (the other half of moving a table). */
  record Import(int tableId, long[] keys, double[] values, double[] state) implements Request {}

  /**
   * Read the values of {@code keys}, once the table's clock has reached {@code minClock}; fail with
   * the slowest worker named if that takes longer than {@code waitMs}. With {@code exact}, read
   * them as of clock {@code minClock} itself where the shard still can: a BSP table one clock ahead
   * answers from the values before its last clock (a retried task re-reading a clock its first
   * attempt already completed on this shard).
   */
  record Pull(int tableId, long minClock, int waitMs, long[] keys, boolean exact)
      implements Request {
    public Pull(int tableId, long minClock, int waitMs, long[] keys) {
      this(tableId, minClock, waitMs, keys, false);
    }
  }

  /**
   * Deltas for {@code keys} ({@code keys.length * width} values). {@code worker < 0}: apply at
   * once; otherwise the push is the contribution of {@code worker} (and of {@code coWorkers}, when
   * combined in an executor) to {@code clock}.
   */
  record Push(
      int tableId,
      int worker,
      long clock,
      double count,
      long[] keys,
      double[] values,
      int[] coWorkers)
      implements Request {}

  /** Server facts; with {@code tableId >= 0} also that table part's facts. */
  record Status(int tableId) implements Request {}
}
