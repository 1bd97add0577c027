package io.trimtab.ps.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * One clock of one table part: the workers' pushes and which workers have pushed. Applied once,
 * when every worker has pushed, by dividing each slot's summed deltas by the clock's total example
 * count. Dense parts of up to {@link #MAX_FLAT_SLOTS} values sum into {@link FlatSums} as pushes
 * arrive (paged, indexed by slot, reused from clock to clock). Sparse and larger parts keep each
 * push as it arrives, its keys turned into slots and sorted by slot (with its deltas), and merge
 * the pushes by slot when the clock is applied, each slot's deltas summed in the order the pushes
 * arrived, as the flat sums do.
 *
 * <p>Measured on a fit of 13.6M keys (benchmarks/run-scale): a hash map from slot to position made
 * anew each clock took 7% of the executors' time; an array from slot to position was faster but
 * kept 4 bytes per slot of the part for as long as it lived; merging pushes by key at the end of
 * the clock put every key's lookup on the clock's critical path (all workers wait for it under BSP)
 * and was no faster than the map. Slots found and sorted as each push arrives leave a linear merge
 * for the end of the clock and nothing behind it.
 *
 * <p>Not thread-safe: used under the part's lock.
 */
final class ClockStep {
  /** Largest part (slots x width) whose clocks sum into flat pages: 4M doubles, 32 MiB. */
  static final int MAX_FLAT_SLOTS = 1 << 22;

  final BitSet pushed = new BitSet();
  final FlatSums flat;
  private final List<int[]> slotLists = new ArrayList<>();
  private final List<double[]> deltaLists = new ArrayList<>();
  private double count;

  /** A step summing into {@code flat} (dense parts), or, if null, merging its pushes by slot. */
  ClockStep(FlatSums flat) {
    this.flat = flat;
  }

  /** Adds a push ({@code deltas}: the part's width per key). */
  void add(TablePart part, double n, long[] keys, double[] deltas) {
    int w = part.width;
    count += n;
    if (flat != null) {
      for (int i = 0; i < keys.length; i++) {
        flat.add(part.slotForWrite(keys[i]), deltas, i * w);
      }
      return;
    }
    long[] bySlot = new long[keys.length];
    int maxSlot = 0;
    for (int i = 0; i < keys.length; i++) {
      int slot = part.slotForWrite(keys[i]);
      maxSlot = Math.max(maxSlot, slot);
      bySlot[i] = ((long) slot << 32) | i;
    }
    sortBySlot(bySlot, 32 - Integer.numberOfLeadingZeros(maxSlot));
    int[] slots = new int[keys.length];
    double[] d = new double[deltas.length];
    for (int j = 0; j < bySlot.length; j++) {
      slots[j] = (int) (bySlot[j] >>> 32);
      System.arraycopy(deltas, (int) bySlot[j] * w, d, j * w, w);
    }
    slotLists.add(slots);
    deltaLists.add(d);
  }

  /**
   * Sorts (slot, index) pairs by their slot, the upper 32 bits of which {@code bits} can be set: a
   * stable LSD radix sort, 11 bits a pass, so a push's repeated keys keep their order.
   */
  static void sortBySlot(long[] a, int bits) {
    long[] b = new long[a.length];
    int[] count = new int[1 << 11];
    long[] from = a;
    long[] to = b;
    for (int shift = 32; shift < 32 + bits; shift += 11) {
      Arrays.fill(count, 0);
      for (long v : from) {
        count[(int) (v >>> shift) & 2047]++;
      }
      int sum = 0;
      for (int i = 0; i < count.length; i++) {
        int c = count[i];
        count[i] = sum;
        sum += c;
      }
      for (long v : from) {
        to[count[(int) (v >>> shift) & 2047]++] = v;
      }
      long[] t = from;
      from = to;
      to = t;
    }
    if (from != a) {
      System.arraycopy(from, 0, a, 0, a.length);
    }
  }

  void applyTo(TablePart part) {
    double norm = count > 0 ? count : 1.0;
    if (flat != null) {
      flat.drainInto(part, norm);
      return;
    }
    int w = part.width;
    int lists = slotLists.size();
    int[] at = new int[lists];
    double[] sum = new double[w];
    while (true) {
      // the smallest slot at the head of any push (a few pushes a clock: one per worker)
      int slot = Integer.MAX_VALUE;
      for (int l = 0; l < lists; l++) {
        int[] s = slotLists.get(l);
        if (at[l] < s.length && s[at[l]] < slot) {
          slot = s[at[l]];
        }
      }
      if (slot == Integer.MAX_VALUE) {
        break;
      }
      Arrays.fill(sum, 0);
      for (int l = 0; l < lists; l++) {
        int[] s = slotLists.get(l);
        double[] d = deltaLists.get(l);
        while (at[l] < s.length && s[at[l]] == slot) {
          int in = at[l]++ * w;
          for (int j = 0; j < w; j++) {
            sum[j] += d[in + j];
          }
        }
      }
      part.update(slot, sum, 0, norm);
    }
    slotLists.clear();
    deltaLists.clear();
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
