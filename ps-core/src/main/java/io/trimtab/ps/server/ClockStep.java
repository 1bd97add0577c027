package io.trimtab.ps.server;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The summed deltas of one clock of one table part, keyed by slot, and which workers have pushed.
 * Applied once, when every worker has pushed, by dividing each sum by the clock's total example
 * count. Dense parts sum into {@link FlatSums} (paged, reused from clock to clock); sparse and very
 * large parts into {@link SlotSums} (also reused).
 *
 * <p>Not thread-safe: used under the part's lock.
 */
final class ClockStep {
  /** Largest part (slots x width) whose clocks sum into flat pages: 4M doubles, 32 MiB. */
  static final int MAX_FLAT_SLOTS = 1 << 22;

  final BitSet pushed = new BitSet();
  final FlatSums flat;
  final SlotSums bySlot;
  private double count;

  /** A step summing into flat pages (dense parts), or, if {@code flat} is null, {@code bySlot}. */
  ClockStep(FlatSums flat, SlotSums bySlot) {
    this.flat = flat;
    this.bySlot = bySlot;
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
      bySlot.add(part.slotForWrite(keys[i]), deltas, i * w);
    }
  }

  void applyTo(TablePart part) {
    double norm = count > 0 ? count : 1.0;
    if (flat != null) {
      flat.drainInto(part, norm);
      return;
    }
    bySlot.drainInto(part, norm);
  }

  /**
   * Sums of a sparse (or very large) part's clock in the order its slots were first pushed, found
   * through an array from slot to position (-1: not pushed this clock), reused between clocks. It
   * was a hash map from slot to position: 7% of the executors' time in a fit of 13.6M keys
   * (benchmarks/run-scale), for 4 bytes per slot of the part here.
   */
  static final class SlotSums {
    private final int width;
    private int[] posOfSlot = new int[0];
    private int[] slots = new int[16];
    private double[] sums;
    private int n;

    SlotSums(int width) {
      this.width = width;
      this.sums = new double[16 * width];
    }

    void add(int slot, double[] deltas, int in) {
      if (slot >= posOfSlot.length) {
        int old = posOfSlot.length;
        posOfSlot =
            Arrays.copyOf(
                posOfSlot, (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(slot + 1L, 2L * old)));
        Arrays.fill(posOfSlot, old, posOfSlot.length, -1);
      }
      int pos = posOfSlot[slot];
      if (pos < 0) {
        pos = n++;
        posOfSlot[slot] = pos;
        if (n > slots.length) {
          slots = Arrays.copyOf(slots, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * slots.length));
        }
        slots[pos] = slot;
        if ((long) n * width > sums.length) {
          sums =
              Arrays.copyOf(
                  sums,
                  (int)
                      Math.min(
                          Integer.MAX_VALUE - 8L, Math.max(2L * sums.length, (long) n * width)));
        }
      }
      int off = pos * width;
      for (int j = 0; j < width; j++) {
        sums[off + j] += deltas[in + j];
      }
    }

    /** Applies every sum, then leaves this empty for the next clock. */
    void drainInto(TablePart part, double norm) {
      for (int pos = 0; pos < n; pos++) {
        part.update(slots[pos], sums, pos * width, norm);
        posOfSlot[slots[pos]] = -1;
      }
      Arrays.fill(sums, 0, n * width, 0);
      n = 0;
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
