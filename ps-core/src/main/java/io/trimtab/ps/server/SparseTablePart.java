package io.trimtab.ps.server;

import io.trimtab.ps.TableSpec;
import io.trimtab.ps.partition.KeyPartitioner;
import it.unimi.dsi.fastutil.HashCommon;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.Arrays;

/**
 * A shard's slice of a sparse table: an open-addressing map from 64-bit key to slot (primitive
 * arrays, no per-entry objects) and value arrays that grow by half when full. A key gets a slot on its
 * first push; pulling a key that was never pushed reads zeros and creates nothing.
 */
final class SparseTablePart extends TablePart {
  private static final float LOAD = 0.75f;
  private final Long2IntOpenHashMap slots = new Long2IntOpenHashMap(16, LOAD);
  private final int stateWidth;
  private double[] values;
  private double[] state;

  SparseTablePart(int tableId, TableSpec spec, int shard, KeyPartitioner partitioner) {
    super(tableId, spec, shard, partitioner);
    slots.defaultReturnValue(-1);
    stateWidth = spec.rule().stateWidth();
    values = new double[16 * width];
    state = new double[16 * width * stateWidth];
  }

  @Override
  void checkKey(long key) {
    ownedOrThrow(key);
  }

  @Override
  int slotForRead(long key) {
    return slots.get(key);
  }

  @Override
  int slotForWrite(long key) {
    int slot = slots.get(key);
    if (slot >= 0) {
      return slot;
    }
    slot = slots.size();
    if ((long) (slot + 1) * width > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("Sparse " + describe() + " is full: " + slot + " keys of width " + width
          + " (use more shards)");
    }
    if ((slot + 1) * width > values.length) {
      // grow by half: with the map's power-of-two tables, doubling both would waste up to 2x twice
      int cap = (int) Math.min(Integer.MAX_VALUE - 16L, Math.max(values.length + (values.length >> 1), (long) (slot + 1) * width));
      values = Arrays.copyOf(values, cap);
      state = Arrays.copyOf(state, cap * stateWidth);
    }
    slots.put(key, slot);
    return slot;
  }

  @Override
  int fixedSlots() {
    return 0;
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
    return slots.size();
  }

  /** Key and slot arrays of the map (long + int per bucket, capacity estimated as fastutil sizes it) plus values. */
  @Override
  long parameterBytes() {
    long buckets = HashCommon.arraySize(Math.max(slots.size(), 16), LOAD) + 1L;
    return buckets * (8 + 4) + 8L * values.length;
  }
}
