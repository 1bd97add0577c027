package io.trimtab.ps.server;

import io.trimtab.ps.KeyPartitioner;
import io.trimtab.ps.TableSpec;

/**
 * Storage of a shard's slice of a dense table: paged primitive arrays, keys implicit in the slot.
 */
final class DenseStorage extends Storage {
  private final Pages values;
  private final Pages state;
  private final int localSize;

  DenseStorage(int tableId, TableSpec spec, int shard, KeyPartitioner partitioner) {
    super(tableId, spec, shard, partitioner);
    long size = partitioner.denseShardSize(shard, spec.dimension());
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "Table '"
              + spec.name()
              + "': shard "
              + shard
              + " would hold "
              + size
              + " keys (at most "
              + (Integer.MAX_VALUE - 16)
              + " per shard: use more shards)");
    }
    this.localSize = (int) size;
    this.values = new Pages(spec.width());
    values.ensureSlots(localSize);
    if (spec.rule().stateWidth() > 0) {
      state = new Pages(spec.width() * spec.rule().stateWidth());
      state.ensureSlots(localSize);
    } else {
      state = null;
    }
  }

  @Override
  void checkKey(long key) {
    if (key < 0 || key >= spec.dimension()) {
      throw new IllegalArgumentException(
          "Unknown key "
              + key
              + " for dense "
              + describe()
              + " (expected 0 .. "
              + (spec.dimension() - 1)
              + ")");
    }
    ownedOrThrow(key);
  }

  @Override
  int slotForRead(long key) {
    return (int) partitioner.denseLocalIndex(key);
  }

  @Override
  int slotForWrite(long key) {
    return (int) partitioner.denseLocalIndex(key);
  }

  @Override
  void forEachSlot(LongSlotIndex.KeySlotConsumer action) {
    for (int slot = 0; slot < localSize; slot++) {
      action.accept(partitioner.denseKey(shard, slot), slot);
    }
  }

  @Override
  void fillKeysBySlot(long[] keys) {
    for (int slot = 0; slot < keys.length; slot++) {
      keys[slot] = partitioner.denseKey(shard, slot);
    }
  }

  @Override
  int fixedSlots() {
    return localSize;
  }

  @Override
  Pages values() {
    return values;
  }

  @Override
  Pages state() {
    return state;
  }

  @Override
  long numKeys() {
    return localSize;
  }

  @Override
  long parameterBytes() {
    return values.bytes();
  }
}
