package io.trimtab.ps.protocol;

import io.trimtab.ps.KeyPartitioner;
import io.trimtab.ps.ReadMode;
import io.trimtab.ps.TableSpec;

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
   * Read the values of {@code keys} at the clock {@code mode} asks for; fail with the slowest
   * worker named if waiting for it takes longer than {@code waitMs}.
   */
  record Pull(int tableId, ReadMode mode, int waitMs, long[] keys) implements Request {}

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

  /**
   * Write this shard's part of a table (every key, its values and optimizer state) to {@code uri},
   * straight to the file system; answered with {@link Response.PartWritten}.
   */
  record WritePart(int tableId, String uri) implements Request {}

  /**
   * Read the parts at {@code uris} into this shard's part of a table, keeping the keys this shard
   * owns (parts written under another layout are re-sliced); answered with {@link
   * Response.PartsRead}.
   */
  record ReadParts(int tableId, String[] uris) implements Request {}

  /**
   * Send every key of this shard's part of a table, with its values and optimizer state, to its
   * owner under {@code partitioner} among {@code shards}, as imports into table {@code newTableId}
   * (already created there), a bounded chunk at a time; answered with {@link Response.Moved}.
   */
  record MoveTo(
      int tableId,
      int newTableId,
      io.trimtab.ps.KeyPartitioner partitioner,
      java.util.List<io.trimtab.ps.ShardAddress> shards)
      implements Request {}

  /** Server facts; with {@code tableId >= 0} also that table part's facts. */
  record Status(int tableId) implements Request {}
}
