package io.trimtab.ps.server;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import java.util.Arrays;

/**
 * The values of the slots one BSP clock changed, as they were before it: enough to answer a read of
 * the clock before (a retried task re-reading what its first attempt read). Reused from clock to
 * clock; costs one copy of each changed slot's values per clock.
 *
 * <p>Not thread-safe: used under the lock of the owning {@link TablePart}.
 */
final class UndoLog {
  /** The clock these values are of (the part is at clock + 1), or -1 if none. */
  private long clock = -1;

  private final Int2IntOpenHashMap slotToPos = new Int2IntOpenHashMap();
  private double[] saved = new double[64];
  private final int width;
  private int used;

  UndoLog(int width) {
    this.width = width;
    slotToPos.defaultReturnValue(-1);
  }

  /** Starts recording the values clock {@code c} is about to change. */
  void begin(long c) {
    clock = c;
    used = 0;
    slotToPos.clear();
  }

  /** Forgets the log: the values changed outside a BSP clock. */
  void invalidate() {
    clock = -1;
    used = 0;
    slotToPos.clear();
  }

  /** Whether the log holds the values as of clock {@code c}. */
  boolean holds(long c) {
    return clock >= 0 && clock == c;
  }

  /** Saves the slot's values unless they were saved since {@link #begin}. */
  void save(int slot, Pages values) {
    if (slotToPos.containsKey(slot)) {
      return;
    }
    int pos = used++;
    slotToPos.put(slot, pos);
    if ((long) used * width > saved.length) {
      saved =
          Arrays.copyOf(
              saved,
              (int)
                  Math.min(
                      Integer.MAX_VALUE - 8L, Math.max(2L * saved.length, (long) used * width)));
    }
    values.copyOut(slot, saved, pos * width);
  }

  /** Overwrites {@code out[at..]} with the slot's saved values if the clock changed it. */
  void copyOut(int slot, double[] out, int at) {
    int pos = slotToPos.get(slot);
    if (pos >= 0) {
      System.arraycopy(saved, pos * width, out, at, width);
    }
  }
}
