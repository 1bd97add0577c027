package io.trimtab.ps.server;

import io.trimtab.ps.KeyPartitioner;
import io.trimtab.ps.TableSpec;

/**
 * Storage of a shard's slice of a sparse table: a {@link LongSlotIndex} from 64-bit key to slot and
 * paged values (no per-entry objects, nothing copied when values grow). A key gets a slot on its
 * first push; pulling a key that was never pushed reads zeros and creates nothing.
 */
final class SparseStorage extends Storage {
  private final LongSlotIndex slots = new LongSlotIndex();
  private final Pages values;
  private final Pages state;

  SparseStorage(int tableId, TableSpec spec, int shard, KeyPartitioner partitioner) {
    super(tableId, spec, shard, partitioner);
    values = new Pages(width);
    state = spec.rule().stateWidth() > 0 ? new Pages(width * spec.rule().stateWidth()) : null;
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
    if (slot == Integer.MAX_VALUE - 16) {
      throw new IllegalStateException(
          "Sparse " + describe() + " is full: " + slot + " keys (use more shards)");
    }
    values.ensureSlots(slot + 1L);
    if (state != null) {
      state.ensureSlots(slot + 1L);
    }
    slots.put(key, slot);
    return slot;
  }

  @Override
  void forEachSlot(LongSlotIndex.KeySlotConsumer action) {
    slots.forEach(action);
  }

  @Override
  void fillKeysBySlot(long[] keys) {
    slots.forEach((key, slot) -> keys[slot] = key);
  }

  @Override
  int fixedSlots() {
    return 0;
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
    return slots.size();
  }

  /** The key index's chunks plus the value pages. */
  @Override
  long parameterBytes() {
    return slots.bytes() + values.bytes();
  }
}
