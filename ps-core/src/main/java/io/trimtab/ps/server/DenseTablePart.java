package io.trimtab.ps.server;

import io.trimtab.ps.TableSpec;
import io.trimtab.ps.partition.KeyPartitioner;

/** A shard's slice of a dense table: one flat array, keys implicit in the position. */
final class DenseTablePart extends TablePart {
  private final double[] values;
  private final double[] state;
  private final int localSize;

  DenseTablePart(int tableId, TableSpec spec, int shard, KeyPartitioner partitioner) {
    super(tableId, spec, shard, partitioner);
    long size = partitioner.denseShardSize(shard, spec.dimension());
    long doubles = size * spec.width();
    if (doubles > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("Table '" + spec.name() + "': shard " + shard + " would hold " + size
          + " keys x width " + spec.width() + " = " + doubles + " doubles (at most " + (Integer.MAX_VALUE - 16)
          + " per shard: use more shards)");
    }
    this.localSize = (int) size;
    this.values = new double[(int) doubles];
    this.state = new double[(int) doubles * spec.rule().stateWidth()];
  }

  @Override
  void checkKey(long key) {
    if (key < 0 || key >= spec.dimension()) {
      throw new IllegalArgumentException("Unknown key " + key + " for dense " + describe() + " (expected 0 .. "
          + (spec.dimension() - 1) + ")");
    }
    ownedOrThrow(key);
  }

  private int slot(long key) {
    return (int) partitioner.denseLocalIndex(key);
  }

  @Override
  int slotForRead(long key) {
    return slot(key);
  }

  @Override
  int slotForWrite(long key) {
    return slot(key);
  }

  @Override
  int fixedSlots() {
    return localSize;
  }

  @Override
  double[] values() {
    return values;
  }

  @Override
  double[] state() {
    return state;
  }

  @Override
  long numKeys() {
    return localSize;
  }

  @Override
  long parameterBytes() {
    return 8L * values.length;
  }
}
