package io.trimtab.ps.server;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The summed deltas of one clock of one table part, keyed by slot, and which workers have pushed.
 * Applied once, when every worker has pushed, by dividing each sum by the clock's total example
 * count. Dense parts sum into {@link FlatSums} (paged, reused from clock to clock); sparse and very
 * large parts into a hash map from slot to position.
 *
 * <p>Not thread-safe: used under the part's lock.
 */
final class ClockStep {
  /** Largest part (slots x width) whose clocks sum into flat pages: 4M doubles, 32 MiB. */
  static final int MAX_FLAT_SLOTS = 1 << 22;

  final BitSet pushed = new BitSet();
  final FlatSums flat;
  private Int2IntOpenHashMap slotToPos;
  private double count;
  private double[] sums;
  private int used;

  ClockStep(FlatSums flat) {
    this.flat = flat;
    if (flat == null) {
      slotToPos = new Int2IntOpenHashMap();
      slotToPos.defaultReturnValue(-1);
      sums = new double[16];
    }
  }

  void add(TablePart part, double n, long[] keys, double[] deltas) {
    int w = part.width;
    count += n;
    if (flat != null) {
      for (int i = 0; i < keys.length; i++) {
        flat.add(part.slotForWrite(keys[i]), deltas, i * w);
      }
      return;
    }
    for (int i = 0; i < keys.length; i++) {
      int slot = part.slotForWrite(keys[i]);
      int pos = slotToPos.get(slot);
      if (pos < 0) {
        pos = used++;
        slotToPos.put(slot, pos);
        if ((long) used * w > sums.length) {
          sums =
              Arrays.copyOf(
                  sums,
                  (int)
                      Math.min(
                          Integer.MAX_VALUE - 8L, Math.max(2L * sums.length, (long) used * w)));
        }
      }
      int off = pos * w;
      int in = i * w;
      for (int j = 0; j < w; j++) {
        sums[off + j] += deltas[in + j];
      }
    }
  }

  void applyTo(TablePart part) {
    double norm = count > 0 ? count : 1.0;
    if (flat != null) {
      flat.drainInto(part, norm);
      return;
    }
    int w = part.width;
    for (Int2IntOpenHashMap.Entry e : slotToPos.int2IntEntrySet()) {
      part.update(e.getIntKey(), sums, e.getIntValue() * w, norm);
    }
  }

  /**
   * Sums indexed by slot, with the list of touched slots; all zero again after {@link #drainInto}.
   */
  static final class FlatSums {
    private final Pages sums;
    private final BitSet touched;
    private final double[] scratch;
    private int[] order = new int[64];
    private int n;

    FlatSums(int slots, int width) {
      sums = new Pages(width);
      sums.ensureSlots(slots);
      touched = new BitSet(slots);
      scratch = new double[width];
    }

    void add(int slot, double[] deltas, int in) {
      if (!touched.get(slot)) {
        touched.set(slot);
        if (n == order.length) {
          order = Arrays.copyOf(order, n * 2);
        }
        order[n++] = slot;
      }
      double[] p = sums.page(slot);
      int off = sums.offset(slot);
      for (int j = 0; j < sums.width; j++) {
        p[off + j] += deltas[in + j];
      }
    }

    void drainInto(TablePart part, double norm) {
      for (int i = 0; i < n; i++) {
        int slot = order[i];
        double[] p = sums.page(slot);
        int off = sums.offset(slot);
        System.arraycopy(p, off, scratch, 0, scratch.length);
        Arrays.fill(p, off, off + scratch.length, 0);
        part.update(slot, scratch, 0, norm);
        touched.clear(slot);
      }
      n = 0;
    }
  }
}
