package io.trimtab.ps.server;

import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.partition.KeyPartitioner;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * One shard's part of a table: primitive storage of its keys' values and optimizer state, the
 * update rule, and the clocks. Pushes without a worker are applied at once. Clocked pushes come
 * from workers 0 .. n-1, each in clock order. Per clock (BSP) they are summed and applied together
 * once every worker has pushed for that clock; otherwise (SSP, ASP) each is applied on arrival,
 * divided by its example count times the number of workers, so a clock moves the model as far as a
 * BSP clock would. The table clock is the lowest clock every worker has completed; pulls waiting
 * for a clock are answered when it is reached, or failed after their wait time naming the slowest
 * worker.
 *
 * <p>Exactly once. A clocked push for a clock its worker has already pushed to this part comes from
 * a retried task or a speculative copy of one: it is acknowledged and dropped (and counted), so a
 * clock's update from a worker is applied once, from whichever attempt reached this part first. A
 * retried BSP task recomputes the same update as its first attempt only if it reads the same
 * values; when the first attempt died between its pushes to two shards, the shard it reached may be
 * one clock ahead, so a BSP part keeps the values its last applied clock changed and answers an
 * exact read of the clock before from them.
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
  private boolean perClock = true;

  /** Per worker: the next clock it will push (the number of clocks it has completed). */
  private long[] workerClock = new long[0];

  private long clock;
  private final TreeMap<Long, ClockStep> steps = new TreeMap<>();

  /**
   * Values before the last applied BSP clock of the slots it changed; recording while one applies.
   */
  private final Undo undo = new Undo();

  private Undo recording;
  private long duplicatePushes;
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
  abstract Pages values();

  /** Optimizer state, {@code width * rule.stateWidth()} doubles per slot, or null without state. */
  abstract Pages state();

  abstract long numKeys();

  /** Bytes held for keys and values (allocated, not just used). */
  abstract long parameterBytes();

  final long stateBytes() {
    return state() == null ? 0 : state().bytes();
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

  /**
   * Sets the workers and the aggregation mode, between epochs: every worker must have completed the
   * same clock (the table clock), which all workers then continue from.
   */
  final void setWorkers(int n, boolean aggregatePerClock, long startClock) {
    if (n < 0) {
      throw new IllegalArgumentException(
          "Invalid worker count for " + describe() + ": " + n + " (must be >= 0)");
    }
    if (!steps.isEmpty()) {
      ClockStep s = steps.firstEntry().getValue();
      throw new IllegalStateException(
          "Cannot change the workers of "
              + describe()
              + " while clock "
              + steps.firstKey()
              + " has pushes from "
              + s.pushed.cardinality()
              + " of "
              + numWorkers
              + " workers");
    }
    for (long c : workerClock) {
      if (c != clock) {
        throw new IllegalStateException(
            "Cannot change the workers of "
                + describe()
                + " in the middle of an epoch: "
                + slowest()
                + " (expected every worker at clock "
                + clock
                + ")");
      }
    }
    if (startClock >= 0) {
      if (!waiting.isEmpty()) {
        throw new IllegalStateException(
            "Cannot set the clock of "
                + describe()
                + " while "
                + waiting.size()
                + " pulls wait for a clock");
      }
      clock = startClock;
    }
    numWorkers = n;
    perClock = aggregatePerClock;
    undo.invalidate();
    workerClock = new long[n];
    java.util.Arrays.fill(workerClock, clock);
  }

  /** The slowest worker and its clock, for error messages. */
  final String slowest() {
    if (numWorkers == 0) {
      return "no workers are set";
    }
    int w = 0;
    for (int i = 1; i < numWorkers; i++) {
      if (workerClock[i] < workerClock[w]) {
        w = i;
      }
    }
    return "slowest worker " + w + " has completed " + workerClock[w] + " clocks";
  }

  /** Values of {@code keys}, {@code width} doubles each, in request order. */
  final double[] read(long[] keys) {
    validateKeys(keys);
    return readValidated(keys);
  }

  /**
   * Values of {@code keys} as of clock {@code at} (at most the current clock): the current values,
   * or, one clock back on a BSP part, the values before its last clock. Further back, the current
   * values; the reply's clock says which.
   */
  final io.trimtab.ps.protocol.Response.Values readAt(long at, long[] keys) {
    validateKeys(keys);
    double[] out = readValidated(keys);
    if (at == clock - 1 && undo.clock == at) {
      for (int i = 0; i < keys.length; i++) {
        int slot = slotForRead(keys[i]);
        if (slot >= 0) {
          undo.copyOut(slot, out, i * width);
        }
      }
      return new io.trimtab.ps.protocol.Response.Values(at, out);
    }
    return new io.trimtab.ps.protocol.Response.Values(clock, out);
  }

  /** Clocked pushes received a second time and dropped (retried or speculative task attempts). */
  final long duplicatePushes() {
    return duplicatePushes;
  }

  /**
   * A pull that must wait until the clock reaches {@code minClock}; returns its handle for expiry.
   */
  final Object await(long minClock, long[] keys, ReadyPull onReady) {
    validateKeys(keys);
    WaitingPull w = new WaitingPull(minClock, keys, onReady);
    waiting.add(w);
    return w;
  }

  /**
   * Fails a pull that is still waiting after its wait time; returns how, or null if it was
   * answered.
   */
  final Runnable expire(Object handle, int waitMs) {
    WaitingPull w = (WaitingPull) handle;
    if (!waiting.remove(w)) {
      return null;
    }
    String reason =
        "Pull from "
            + describe()
            + " waited "
            + waitMs
            + " ms for clock "
            + w.minClock
            + " but the table is at clock "
            + clock
            + ": "
            + slowest();
    return () -> w.onReady.failed(reason);
  }

  /** Validates and applies or buffers a push; returns the pulls that became ready. */
  final List<Runnable> push(
      int worker, int[] coWorkers, long pushClock, double count, long[] keys, double[] deltas) {
    if (deltas.length != (long) keys.length * width) {
      throw new IllegalArgumentException(
          "Push to "
              + describe()
              + ": "
              + deltas.length
              + " values for "
              + keys.length
              + " keys of width "
              + width
              + " (expected "
              + (long) keys.length * width
              + ")");
    }
    if (!(count >= 0) || Double.isInfinite(count)) {
      throw new IllegalArgumentException(
          "Push to "
              + describe()
              + ": invalid example count "
              + count
              + " (must be finite and >= 0)");
    }
    validateKeys(keys);
    if (worker < 0) {
      // Unclocked: apply key by key as it arrives (a key listed twice is updated twice, in order).
      undo.invalidate();
      double norm = count > 0 ? count : 1.0;
      for (int i = 0; i < keys.length; i++) {
        update(slotForWrite(keys[i]), deltas, i * width, norm);
      }
      return List.of();
    }
    int[] all = new int[coWorkers.length + 1];
    all[0] = worker;
    System.arraycopy(coWorkers, 0, all, 1, coWorkers.length);
    if (java.util.Arrays.stream(all).distinct().count() != all.length) {
      throw new IllegalArgumentException(
          "Push to " + describe() + " names a worker twice: " + java.util.Arrays.toString(all));
    }
    int repeated = 0;
    for (int w : all) {
      repeated += alreadyPushed(w, pushClock) ? 1 : 0;
    }
    if (repeated == all.length) {
      duplicatePushes++;
      return List.of();
    }
    if (repeated > 0) {
      throw new IllegalStateException(
          "Push to "
              + describe()
              + " for clock "
              + pushClock
              + " combines workers "
              + java.util.Arrays.toString(all)
              + " of which "
              + repeated
              + " already pushed that clock: a retried "
              + "combined push whose workers were grouped differently cannot be applied exactly once (expected every "
              + "worker of a combined push to be new for the clock, or every one a repeat)");
    }
    for (int w : all) {
      workerClock[w]++;
    }
    List<Runnable> ready = new ArrayList<>();
    if (!perClock) {
      undo.invalidate();
      double norm = count > 0 ? count * numWorkers / all.length : 1.0;
      for (int i = 0; i < keys.length; i++) {
        update(slotForWrite(keys[i]), deltas, i * width, norm);
      }
      long min = Long.MAX_VALUE;
      for (long c : workerClock) {
        min = Math.min(min, c);
      }
      if (min > clock) {
        clock = min;
        collectReady(ready);
      }
      return ready;
    }
    ClockStep s = steps.computeIfAbsent(pushClock, c -> newStep());
    for (int w : all) {
      s.pushed.set(w);
    }
    s.add(this, count, keys, deltas);
    while (!steps.isEmpty()
        && steps.firstKey() == clock
        && steps.firstEntry().getValue().pushed.cardinality() == numWorkers) {
      ClockStep done = steps.pollFirstEntry().getValue();
      undo.begin(clock, width);
      recording = undo;
      try {
        done.applyTo(this);
      } finally {
        recording = null;
      }
      release(done);
      clock++;
      collectReady(ready);
    }
    return ready;
  }

  /** Every key of this part with its values and optimizer state, in slot order. */
  final io.trimtab.ps.protocol.Response.Exported export() {
    long n = numKeys();
    long[] keys = new long[(int) n];
    fillKeysBySlot(keys);
    double[] vals = new double[(int) n * width];
    int sw = state() == null ? 0 : state().width;
    double[] st = new double[(int) n * sw];
    for (int slot = 0; slot < n; slot++) {
      values().copyOut(slot, vals, slot * width);
      if (sw > 0) {
        state().copyOut(slot, st, slot * sw);
      }
    }
    return new io.trimtab.ps.protocol.Response.Exported(clock, keys, vals, st);
  }

  /** Writes the key of every slot 0 .. numKeys-1 into {@code keys}. */
  abstract void fillKeysBySlot(long[] keys);

  /** Sets {@code keys}' values and optimizer state exactly, creating their slots. */
  final void importValues(long[] keys, double[] vals, double[] st) {
    int sw = state() == null ? 0 : state().width;
    if (vals.length != (long) keys.length * width || st.length != (long) keys.length * sw) {
      throw new IllegalArgumentException(
          "Import into "
              + describe()
              + ": "
              + vals.length
              + " values and "
              + st.length
              + " state values for "
              + keys.length
              + " keys (expected "
              + (long) keys.length * width
              + " and "
              + (long) keys.length * sw
              + ")");
    }
    validateKeys(keys);
    undo.invalidate();
    for (int i = 0; i < keys.length; i++) {
      int slot = slotForWrite(keys[i]);
      System.arraycopy(vals, i * width, values().page(slot), values().offset(slot), width);
      if (sw > 0) {
        System.arraycopy(st, i * sw, state().page(slot), state().offset(slot), sw);
      }
    }
  }

  /**
   * Whether {@code worker} already pushed {@code pushClock} here; throws if the push is out of
   * order.
   */
  private boolean alreadyPushed(int worker, long pushClock) {
    if (worker >= numWorkers) {
      throw new IllegalArgumentException(
          "Push to "
              + describe()
              + " from worker "
              + worker
              + ": the table has "
              + numWorkers
              + " workers (expected worker 0 .. "
              + (numWorkers - 1)
              + ")");
    }
    long expected = workerClock[worker];
    if (pushClock < expected) {
      return true;
    }
    if (pushClock > expected) {
      throw new IllegalStateException(
          "Out-of-order push to "
              + describe()
              + " from worker "
              + worker
              + " for clock "
              + pushClock
              + " (expected clock "
              + expected
              + ": a worker pushes its clocks in order)");
    }
    return false;
  }

  /** Fails every waiting pull (table dropped). */
  final List<Runnable> abandon(String reason) {
    List<Runnable> out = new ArrayList<>();
    for (WaitingPull w : waiting) {
      w.cancelExpiry();
      out.add(() -> w.onReady.failed(reason));
    }
    waiting.clear();
    return out;
  }

  private void collectReady(List<Runnable> ready) {
    Iterator<WaitingPull> it = waiting.iterator();
    while (it.hasNext()) {
      WaitingPull w = it.next();
      if (w.minClock <= clock) {
        it.remove();
        w.cancelExpiry();
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
    Pages v = values();
    for (int i = 0; i < keys.length; i++) {
      int slot = slotForRead(keys[i]);
      if (slot >= 0) {
        v.copyOut(slot, out, i * width);
      }
    }
    return out;
  }

  /**
   * Applies {@code width} summed deltas from {@code sums[at..]}, divided by {@code norm}, to one
   * slot.
   */
  final void update(int slot, double[] sums, int at, double norm) {
    if (recording != null) {
      recording.save(slot, values());
    }
    double[] v = values().page(slot);
    int off = values().offset(slot);
    switch (rule.kind()) {
      case ADD -> {
        for (int j = 0; j < width; j++) {
          v[off + j] += sums[at + j] / norm;
        }
      }
      case SGD -> {
        double lr = rule.learningRate();
        double l2 = rule.l2();
        for (int j = 0; j < width; j++) {
          v[off + j] -= lr * (sums[at + j] / norm + l2 * v[off + j]);
        }
      }
      case ADAGRAD -> {
        double lr = rule.learningRate();
        double l2 = rule.l2();
        double[] st = state().page(slot);
        int so = state().offset(slot);
        for (int j = 0; j < width; j++) {
          double g = sums[at + j] / norm + l2 * v[off + j];
          st[so + j] += g * g;
          v[off + j] -= lr * g / (Math.sqrt(st[so + j]) + 1e-8);
        }
      }
    }
  }

  /**
   * The values of the slots one BSP clock changed, as they were before it: enough to answer a read
   * of the clock before (a retried task re-reading what its first attempt read). Reused from clock
   * to clock; costs one copy of each changed slot's values per clock.
   */
  private static final class Undo {
    /** The clock these values are of (the part is at clock + 1), or -1 if none. */
    long clock = -1;

    private final it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap slotToPos =
        new it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap();
    private double[] saved = new double[64];
    private int width;
    private int used;

    Undo() {
      slotToPos.defaultReturnValue(-1);
    }

    void begin(long c, int w) {
      clock = c;
      width = w;
      used = 0;
      slotToPos.clear();
    }

    void invalidate() {
      clock = -1;
      used = 0;
      slotToPos.clear();
    }

    void save(int slot, Pages values) {
      if (slotToPos.containsKey(slot)) {
        return;
      }
      int pos = used++;
      slotToPos.put(slot, pos);
      if ((long) used * width > saved.length) {
        saved =
            java.util.Arrays.copyOf(
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

  /** A pull waiting for a clock. */
  interface ReadyPull {
    void ready(long clock, double[] values);

    void failed(String reason);
  }

  /** A parked pull; its expiry is cancelled when it is answered, so nothing waits on its keys. */
  private static final class WaitingPull {
    final long minClock;
    final long[] keys;
    final ReadyPull onReady;
    java.util.concurrent.Future<?> expiry;

    WaitingPull(long minClock, long[] keys, ReadyPull onReady) {
      this.minClock = minClock;
      this.keys = keys;
      this.onReady = onReady;
    }

    void cancelExpiry() {
      if (expiry != null) {
        expiry.cancel(false);
      }
    }
  }

  /** Attaches the timer task that will expire {@code handle}. */
  final void attachExpiry(Object handle, java.util.concurrent.Future<?> expiry) {
    ((WaitingPull) handle).expiry = expiry;
  }

  /**
   * Number of slots if they are a fixed dense range (dense tables): steps of parts up to {@link
   * ClockStep#MAX_FLAT_SLOTS} slots then sum into paged arrays indexed by slot, reused between
   * clocks; 0 for sparse tables, whose steps (like those of larger parts) sum into a map.
   */
  abstract int fixedSlots();

  private final java.util.ArrayDeque<ClockStep.FlatSums> sumsPool = new java.util.ArrayDeque<>();

  private ClockStep newStep() {
    int slots = fixedSlots();
    if (slots == 0 || (long) slots * width > ClockStep.MAX_FLAT_SLOTS) {
      return new ClockStep(null);
    }
    ClockStep.FlatSums d = sumsPool.poll();
    return new ClockStep(d != null ? d : new ClockStep.FlatSums(slots, width));
  }

  private void release(ClockStep s) {
    if (s.flat != null) {
      sumsPool.push(s.flat);
    }
  }
}
