package io.trimtab.ps.server;

import it.unimi.dsi.fastutil.HashCommon;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Open-addressing map from 64-bit key to slot number, with linear probing over chunked primitive
 * arrays (no per-entry objects, no array over 96 KiB). The table grows by half when it is three
 * quarters full and maps hashes onto any capacity with a multiply-shift ("fastrange", Lemire 2016),
 * so that capacity stays within 1.33x .. 2x of the key count (power-of-two tables reach 2.67x).
 * Slots are stored plus one; 0 marks an empty bucket, so every key value is allowed.
 *
 * <p>Each index hashes with a salt of its own. Keys often arrive in another index's bucket order (a
 * move between layouts, a checkpoint part written by {@link #forEach}, then read): with one hash
 * for every index, consecutive keys would land in consecutive buckets and linear probing would grow
 * one run through the table, so that copying n keys took O(n^2) probes (400k keys: 33 s instead of
 * 0.05 s). A salt makes one index's order random to another's.
 *
 * <p>Not thread-safe.
 */
final class LongSlotIndex {
  private static final int SHIFT = 13;
  private static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;
  private static final float LOAD = 0.75f;

  private final long salt = ThreadLocalRandom.current().nextLong();
  private long[][] keys;
  private int[][] slots;
  private int capacity;
  private int size;
  private int maxFill;

  LongSlotIndex() {
    allocate(16);
  }

  int size() {
    return size;
  }

  /** The slot of {@code key}, or -1. */
  int get(long key) {
    int i = bucket(key);
    while (true) {
      int s = slots[i >>> SHIFT][i & MASK];
      if (s == 0) {
        return -1;
      }
      if (keys[i >>> SHIFT][i & MASK] == key) {
        return s - 1;
      }
      i = i + 1 == capacity ? 0 : i + 1;
    }
  }

  /** Maps a new key to {@code slot}; the key must be absent. */
  void put(long key, int slot) {
    if (size >= maxFill) {
      rehash(capacity + Math.max(16, capacity >> 1));
    }
    insert(key, slot + 1);
    size++;
  }

  /** Calls {@code action} with every key and its slot, in bucket order. */
  void forEach(KeySlotConsumer action) {
    for (int c = 0; c < keys.length; c++) {
      long[] k = keys[c];
      int[] s = slots[c];
      for (int j = 0; j < k.length; j++) {
        if (s[j] != 0) {
          action.accept(k[j], s[j] - 1);
        }
      }
    }
  }

  /** Receives a key and its slot. */
  interface KeySlotConsumer {
    void accept(long key, int slot);
  }

  /**
   * Mean buckets a lookup of a present key visits (1 when every key sits in its own bucket): how
   * well the keys are spread.
   */
  double meanProbes() {
    long probes = 0;
    for (int i = 0; i < capacity; i++) {
      if (slots[i >>> SHIFT][i & MASK] != 0) {
        int home = bucket(keys[i >>> SHIFT][i & MASK]);
        probes += 1 + (i >= home ? i - home : capacity - home + i);
      }
    }
    return size == 0 ? 0 : probes / (double) size;
  }

  /** Bytes of the key and slot chunks, with array headers. */
  long bytes() {
    long chunks = keys.length;
    return capacity * 12L + chunks * 32L + 32L;
  }

  private void insert(long key, int slotPlusOne) {
    int i = bucket(key);
    while (slots[i >>> SHIFT][i & MASK] != 0) {
      i = i + 1 == capacity ? 0 : i + 1;
    }
    keys[i >>> SHIFT][i & MASK] = key;
    slots[i >>> SHIFT][i & MASK] = slotPlusOne;
  }

  private int bucket(long key) {
    long h = HashCommon.mix(key ^ salt) >>> 32;
    return (int) ((h * capacity) >>> 32);
  }

  private void allocate(int cap) {
    capacity = cap;
    maxFill = (int) Math.min(cap - 1L, (long) Math.ceil(cap * LOAD));
    int chunks = (cap + CHUNK - 1) >>> SHIFT;
    keys = new long[chunks][];
    slots = new int[chunks][];
    for (int c = 0; c < chunks; c++) {
      int len = Math.min(CHUNK, cap - c * CHUNK);
      keys[c] = new long[len];
      slots[c] = new int[len];
    }
  }

  private void rehash(int newCapacity) {
    long[][] oldKeys = keys;
    int[][] oldSlots = slots;
    allocate(newCapacity);
    for (int c = 0; c < oldKeys.length; c++) {
      long[] k = oldKeys[c];
      int[] s = oldSlots[c];
      for (int j = 0; j < k.length; j++) {
        if (s[j] != 0) {
          insert(k[j], s[j]);
        }
      }
    }
  }
}
