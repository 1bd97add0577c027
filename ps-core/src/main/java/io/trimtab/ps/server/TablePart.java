package io.trimtab.ps.server;

import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.partition.KeyPartitioner;
import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * One shard's part of a table: primitive storage of its keys' values and optimizer state, the
 * update rule, and the clock. Pushes without a worker are applied at once. Clocked pushes are summed
 * per clock and applied together, once every worker has pushed for that clock, in clock order; only
 * then does the clock advance and do pulls waiting for it get their values.
 *
 * <p>Not thread-safe: the owning {@link Shard} serializes access by locking the part.
 */
abstract class TablePart {
  final int tableId;
  final TableSpec spec;
  final int shard;
  final KeyPartitioner partitioner;
  final int width;
  private final UpdateRule rule;
  private int numWorkers;
  private long clock;
  private final TreeMap<Long, Step> steps = new TreeMap<>();
  private final List<WaitingPull> waiting = new ArrayList<>();

  TablePart(int tableId, TableSpec spec, int shard, KeyPartitioner partitioner) {
    this.tableId = tableId;
    this.spec = spec;
    this.shard = shard;
    this.partitioner = partitioner;
    this.width = spec.width();
    this.rule = spec.rule();
  }

  /** Slot of {@code key} for reading, or -1 if the key holds no value yet (reads as zeros). */
  abstract int slotForRead(long key);

  /** Slot of {@code key} for writing, created if needed. */
  abstract int slotForWrite(long key);

  /** Parameter values, {@code width} doubles per slot. */
  abstract double[] values();

  /** Optimizer state, {@code width * rule.stateWidth()} doubles per slot (may be empty). */
  abstract double[] state();

  abstract long numKeys();

  /** Bytes held for keys and values (capacity, not just the used part). */
  abstract long parameterBytes();

  final long stateBytes() {
    return 8L * state().length;
  }

  final long clock() {
    return clock;
  }

  final String describe() {
    return "table '" + spec.name() + "' (id " + tableId + ") shard " + shard;
  }

  /** Throws if {@code key} is not a key of this part (out of range, or owned by another shard). */
  abstract void checkKey(long key);

  final void ownedOrThrow(long key) {
    int owner = partitioner.shardOf(key);
    if (owner != shard) {
      throw new IllegalArgumentException("Key " + key + " of " + describe() + " belongs to shard " + owner
          + " (stale routing: expected keys of shard " + shard + ")");
    }
  }

  final void setWorkers(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("Invalid worker count for " + describe() + ": " + n + " (must be >= 0)");
    }
    if (!steps.isEmpty()) {
      Step s = steps.firstEntry().getValue();
      throw new IllegalStateException("Cannot change the workers of " + describe() + " while clock "
          + steps.firstKey() + " has pushes from " + s.pushed.cardinality() + " of " + numWorkers + " workers");
    }
    numWorkers = n;
  }

  /** Values of {@code keys}, {@code width} doubles each, in request order. */
  final double[] read(long[] keys) {
    validateKeys(keys);
    return readValidated(keys);
  }

  /** A pull that must wait until the clock reaches {@code minClock}. */
  final void await(long minClock, long[] keys, ReadyPull onReady) {
    validateKeys(keys);
    waiting.add(new WaitingPull(minClock, keys, onReady));
  }

  /** Validates and applies or buffers a push; returns the pulls that became ready. */
  final List<Runnable> push(int worker, long pushClock, double count, long[] keys, double[] deltas) {
    if (deltas.length != (long) keys.length * width) {
      throw new IllegalArgumentException("Push to " + describe() + ": " + deltas.length + " values for "
          + keys.length + " keys of width " + width + " (expected " + (long) keys.length * width + ")");
    }
    if (!(count >= 0) || Double.isInfinite(count)) {
      throw new IllegalArgumentException("Push to " + describe() + ": invalid example count " + count
          + " (must be finite and >= 0)");
    }
    validateKeys(keys);
    if (worker < 0) {
      // Unclocked: apply key by key as it arrives (a key listed twice is updated twice, in order).
      double norm = count > 0 ? count : 1.0;
      int[] slots = new int[keys.length];
      for (int i = 0; i < keys.length; i++) {
        slots[i] = slotForWrite(keys[i]); // may grow the arrays of a sparse part: read them after
      }
      double[] v = values();
      double[] st = state();
      for (int i = 0; i < keys.length; i++) {
        int base = slots[i] * width;
        for (int j = 0; j < width; j++) {
          update(v, st, base + j, deltas[i * width + j] / norm);
        }
      }
      return List.of();
    }
    if (worker >= numWorkers) {
      throw new IllegalArgumentException("Push to " + describe() + " from worker " + worker + ": the table has "
          + numWorkers + " workers (expected worker 0 .. " + (numWorkers - 1) + ")");
    }
    if (pushClock < clock) {
      throw new IllegalStateException("Stale push to " + describe() + " from worker " + worker + " for clock "
          + pushClock + ": clock " + pushClock + " was already applied (table clock " + clock + ")");
    }
    Step s = steps.computeIfAbsent(pushClock, c -> newStep());
    if (s.pushed.get(worker)) {
      throw new IllegalStateException("Duplicate push to " + describe() + " from worker " + worker
          + " for clock " + pushClock + " (each worker pushes once per clock)");
    }
    s.pushed.set(worker);
    s.add(this, count, keys, deltas);
    List<Runnable> ready = new ArrayList<>();
    while (!steps.isEmpty() && steps.firstKey() == clock && steps.firstEntry().getValue().pushed.cardinality()
        == numWorkers) {
      Step done = steps.pollFirstEntry().getValue();
      done.applyTo(this);
      release(done);
      clock++;
      collectReady(ready);
    }
    return ready;
  }

  /** Fails every waiting pull (table dropped). */
  final List<Runnable> abandon(String reason) {
    List<Runnable> out = new ArrayList<>();
    for (WaitingPull w : waiting) {
      out.add(() -> w.onReady.failed(reason));
    }
    waiting.clear();
    return out;
  }

  /** Workers that have not yet pushed for the oldest incomplete clock, for error messages. */
  final String missingWorkers() {
    Step s = steps.get(clock);
    BitSet missing = new BitSet();
    missing.set(0, numWorkers);
    if (s != null) {
      missing.andNot(s.pushed);
    }
    return "clock " + clock + " waits for workers " + missing;
  }

  private void collectReady(List<Runnable> ready) {
    Iterator<WaitingPull> it = waiting.iterator();
    while (it.hasNext()) {
      WaitingPull w = it.next();
      if (w.minClock <= clock) {
        it.remove();
        double[] v = readValidated(w.keys);
        long at = clock;
        ready.add(() -> w.onReady.ready(at, v));
      }
    }
  }

  private void validateKeys(long[] keys) {
    for (long k : keys) {
      checkKey(k);
    }
  }

  private double[] readValidated(long[] keys) {
    double[] out = new double[keys.length * width];
    double[] v = values();
    for (int i = 0; i < keys.length; i++) {
      int slot = slotForRead(keys[i]);
      if (slot >= 0) {
        System.arraycopy(v, slot * width, out, i * width, width);
      }
    }
    return out;
  }

  /** Applies the aggregated delta {@code g} (already normalized) to one value. */
  private void update(double[] v, double[] st, int idx, double g) {
    switch (rule.kind()) {
      case ADD -> v[idx] += g;
      case SGD -> v[idx] -= rule.learningRate() * (g + rule.l2() * v[idx]);
      case ADAGRAD -> {
        double gg = g + rule.l2() * v[idx];
        st[idx] += gg * gg;
        v[idx] -= rule.learningRate() * gg / (Math.sqrt(st[idx]) + 1e-8);
      }
    }
  }

  /** A pull waiting for a clock. */
  interface ReadyPull {
    void ready(long clock, double[] values);

    void failed(String reason);
  }

  private record WaitingPull(long minClock, long[] keys, ReadyPull onReady) {}

  /**
   * Number of slots if they are a fixed dense range (dense tables): steps of parts up to
   * {@link #MAX_FLAT_SUMS} doubles then sum into a flat array indexed by slot, reused between clocks;
   * 0 for sparse tables, whose steps (like those of larger dense parts) sum into a hash map.
   */
  abstract int fixedSlots();

  private final java.util.ArrayDeque<DenseSums> sumsPool = new java.util.ArrayDeque<>();

  /** Largest part (slots x width) whose clocks sum into a flat array: 4M doubles, 32 MiB. */
  private static final int MAX_FLAT_SUMS = 1 << 22;

  private Step newStep() {
    int slots = fixedSlots();
    if (slots == 0 || (long) slots * width > MAX_FLAT_SUMS) {
      return new Step(null);
    }
    DenseSums d = sumsPool.poll();
    return new Step(d != null ? d : new DenseSums(slots, width));
  }

  private void release(Step s) {
    if (s.dense != null) {
      sumsPool.push(s.dense);
    }
  }

  /** Sums indexed by slot, with the list of touched slots; all zero again after {@link #drainInto}. */
  private static final class DenseSums {
    final double[] sums;
    final BitSet touched;
    int[] order = new int[64];
    int n;

    DenseSums(int slots, int width) {
      sums = new double[slots * width];
      touched = new BitSet(slots);
    }

    void add(int slot, double[] deltas, int in, int w) {
      if (!touched.get(slot)) {
        touched.set(slot);
        if (n == order.length) {
          order = java.util.Arrays.copyOf(order, n * 2);
        }
        order[n++] = slot;
      }
      int off = slot * w;
      for (int j = 0; j < w; j++) {
        sums[off + j] += deltas[in + j];
      }
    }

    void drainInto(TablePart part, double norm) {
      int w = part.width;
      double[] v = part.values();
      double[] st = part.state();
      for (int i = 0; i < n; i++) {
        int off = order[i] * w;
        for (int j = 0; j < w; j++) {
          part.update(v, st, off + j, sums[off + j] / norm);
          sums[off + j] = 0;
        }
        touched.clear(order[i]);
      }
      n = 0;
    }
  }

  /** The summed deltas of one clock (or of one unclocked push), keyed by slot. */
  private static final class Step {
    final BitSet pushed = new BitSet();
    final DenseSums dense;
    Int2IntOpenHashMap slotToPos;
    double count;
    double[] sums;
    int used;

    Step(DenseSums dense) {
      this.dense = dense;
      if (dense == null) {
        slotToPos = new Int2IntOpenHashMap();
        slotToPos.defaultReturnValue(-1);
        sums = new double[16];
      }
    }

    void add(TablePart part, double n, long[] keys, double[] deltas) {
      int w = part.width;
      count += n;
      if (dense != null) {
        for (int i = 0; i < keys.length; i++) {
          dense.add(part.slotForWrite(keys[i]), deltas, i * w, w);
        }
        return;
      }
      for (int i = 0; i < keys.length; i++) {
        int slot = part.slotForWrite(keys[i]);
        int pos = slotToPos.get(slot);
        if (pos < 0) {
          pos = used++;
          slotToPos.put(slot, pos);
          if (used * w > sums.length) {
            sums = java.util.Arrays.copyOf(sums, Math.max(sums.length * 2, used * w));
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
      if (dense != null) {
        dense.drainInto(part, norm);
        return;
      }
      int w = part.width;
      double[] v = part.values();
      double[] st = part.state();
      for (Int2IntOpenHashMap.Entry e : slotToPos.int2IntEntrySet()) {
        int base = e.getIntKey() * w;
        int off = e.getIntValue() * w;
        for (int j = 0; j < w; j++) {
          part.update(v, st, base + j, sums[off + j] / norm);
        }
      }
    }
  }
}
