package io.trimtab.ps.server;

import io.trimtab.ps.KeyPartitioner;
import io.trimtab.ps.TableSpec;

/**
 * Where one shard's part of a table keeps its keys' values and optimizer state: slots in paged
 * primitive arrays, {@code width} values and {@code width * stateWidth} state doubles per slot.
 * Dense and sparse tables differ only in how a key finds its slot.
 *
 * <p>Not thread-safe: used under the lock of the owning {@link TablePart}.
 */
abstract class Storage {
  final int tableId;
  final TableSpec spec;
  final int shard;
  final KeyPartitioner partitioner;
  final int width;

  Storage(int tableId, TableSpec spec, int shard, KeyPartitioner partitioner) {
    this.tableId = tableId;
    this.spec = spec;
    this.shard = shard;
    this.partitioner = partitioner;
    this.width = spec.width();
  }

  /** Storage for {@code spec}'s kind of table. */
  static Storage of(int tableId, TableSpec spec, int shard, KeyPartitioner partitioner) {
    return switch (spec.kind()) {
      case DENSE -> new DenseStorage(tableId, spec, shard, partitioner);
      case SPARSE -> new SparseStorage(tableId, spec, shard, partitioner);
    };
  }

  /** Slot of {@code key} for reading, or -1 if the key holds no value yet (reads as zeros). */
  abstract int slotForRead(long key);

  /** Slot of {@code key} for writing, created if needed. */
  abstract int slotForWrite(long key);

  /** Parameter values, {@code width} doubles per slot. */
  abstract Pages values();

  /** Optimizer state, {@code width * rule.stateWidth()} doubles per slot, or null without state. */
  abstract Pages state();

  abstract long numKeys();

  /** Bytes held for keys and values (allocated, not just used). */
  abstract long parameterBytes();

  /** Throws if {@code key} is not a key of this part (out of range, or owned by another shard). */
  abstract void checkKey(long key);

  /** Calls {@code action} with every key of the part and its slot. */
  abstract void forEachSlot(LongSlotIndex.KeySlotConsumer action);

  /** Writes the key of every slot 0 .. numKeys-1 into {@code keys}. */
  abstract void fillKeysBySlot(long[] keys);

  /**
   * Number of slots if they are a fixed dense range (dense tables): clock steps of parts up to
   * {@link ClockStep#MAX_FLAT_SLOTS} slots then sum into paged arrays indexed by slot, reused
   * between clocks; 0 for sparse tables, whose steps (like those of larger parts) sum into a map.
   */
  abstract int fixedSlots();

  final long stateBytes() {
    return state() == null ? 0 : state().bytes();
  }

  final int stateWidth() {
    return state() == null ? 0 : state().width;
  }

  final String describe() {
    return "table '" + spec.name() + "' (id " + tableId + ") shard " + shard;
  }

  final void checkKeys(long[] keys) {
    for (long k : keys) {
      checkKey(k);
    }
  }

  /** Whether this shard owns {@code key} under the table's partitioner. */
  final boolean owns(long key) {
    return partitioner.shardOf(key) == shard;
  }

  final void ownedOrThrow(long key) {
    int owner = partitioner.shardOf(key);
    if (owner != shard) {
      throw new IllegalArgumentException(
          "Key "
              + key
              + " of "
              + describe()
              + " belongs to shard "
              + owner
              + " (stale routing: expected keys of shard "
              + shard
              + ")");
    }
  }

  /** Values of already checked {@code keys}, {@code width} doubles each, in request order. */
  final double[] read(long[] keys) {
    double[] out = new double[keys.length * width];
    Pages v = values();
    for (int i = 0; i < keys.length; i++) {
      int slot = slotForRead(keys[i]);
      if (slot >= 0) {
        v.copyOut(slot, out, i * width);
      }
    }
    return out;
  }
}
