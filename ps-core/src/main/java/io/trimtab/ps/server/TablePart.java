package io.trimtab.ps.server;

import io.trimtab.ps.KeyPartitioner;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.protocol.Response;
import io.trimtab.ps.update.Updater;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One shard's part of a table: its {@link Storage}, the table's {@link Updater}, its {@link
 * WorkerClocks}, the {@link WaitingPulls} and the {@link UndoLog}, and the steps that join them.
 * Pushes without a worker are applied at once. Clocked pushes come from workers 0 .. n-1, each in
 * clock order, and are applied once each (repeats from retried tasks are dropped). Per clock (BSP)
 * they are summed and applied together once every worker has pushed for that clock; otherwise (SSP,
 * ASP) each is applied on arrival, divided by its example count times the number of workers, so a
 * clock moves the model as far as a BSP clock would. Pulls waiting for a clock are answered when it
 * is reached, or failed after their wait time naming the slowest worker.
 *
 * <p>A retried BSP task recomputes the same update as its first attempt only if it reads the same
 * values; when the first attempt died between its pushes to two shards, the shard it reached may be
 * one clock ahead, so a BSP part logs the values its last applied clock changed and answers an
 * exact read of the clock before from them.
 *
 * <p>Not thread-safe: the owning {@link Shard} serializes access by locking the part.
 */
final class TablePart {
  final TableSpec spec;
  final int width;
  private final Storage storage;
  private final Updater updater;
  private final WorkerClocks clocks;
  private final WaitingPulls waiting = new WaitingPulls();
  private final UndoLog undo;

  /** The undo log while a BSP clock is applied, else null. */
  private UndoLog recording;

  private final TreeMap<Long, ClockStep> steps = new TreeMap<>();
  private final ArrayDeque<ClockStep.FlatSums> sumsPool = new ArrayDeque<>();
  private final double[] grad;

  TablePart(int tableId, TableSpec spec, int shard, KeyPartitioner partitioner) {
    this.spec = spec;
    this.width = spec.width();
    this.storage = Storage.of(tableId, spec, shard, partitioner);
    this.updater = spec.rule().updater();
    this.clocks = new WorkerClocks(storage.describe());
    this.undo = new UndoLog(width);
    this.grad = new double[width];
  }

  long clock() {
    return clocks.clock();
  }

  String describe() {
    return storage.describe();
  }

  /** Clocked pushes received a second time and dropped (retried or speculative task attempts). */
  long duplicatePushes() {
    return clocks.repeats();
  }

  long numKeys() {
    return storage.numKeys();
  }

  long parameterBytes() {
    return storage.parameterBytes();
  }

  long stateBytes() {
    return storage.stateBytes();
  }

  int slotForWrite(long key) {
    return storage.slotForWrite(key);
  }

  /**
   * Sets the workers and the aggregation mode, between epochs: every worker must have completed the
   * same clock (the table clock), which all workers then continue from ({@code startClock >= 0}
   * replaces it).
   */
  void setWorkers(int n, boolean aggregatePerClock, long startClock) {
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
              + clocks.numWorkers()
              + " workers");
    }
    clocks.checkBetweenEpochs();
    if (startClock >= 0 && !waiting.isEmpty()) {
      throw new IllegalStateException(
          "Cannot set the clock of "
              + describe()
              + " while "
              + waiting.size()
              + " pulls wait for a clock");
    }
    clocks.reset(n, aggregatePerClock, startClock);
    undo.invalidate();
  }

  /** Values of {@code keys}, {@code width} doubles each, in request order. */
  double[] read(long[] keys) {
    storage.checkKeys(keys);
    return storage.read(keys);
  }

  /**
   * Values of {@code keys} as of clock {@code at} (at most the current clock): the current values,
   * or, one clock back on a BSP part, the values before its last clock. Further back, the current
   * values; the reply's clock says which.
   */
  Response.Values readAt(long at, long[] keys) {
    double[] out = read(keys);
    long clock = clocks.clock();
    if (at == clock - 1 && undo.holds(at)) {
      for (int i = 0; i < keys.length; i++) {
        int slot = storage.slotForRead(keys[i]);
        if (slot >= 0) {
          undo.copyOut(slot, out, i * width);
        }
      }
      return new Response.Values(at, out);
    }
    return new Response.Values(clock, out);
  }

  /** Parks a pull until the clock reaches {@code minClock}; returns its handle for expiry. */
  WaitingPulls.Waiting await(long minClock, long[] keys, WaitingPulls.ReadyPull onReady) {
    storage.checkKeys(keys);
    return waiting.park(minClock, keys, onReady);
  }

  /** Fails a pull still waiting after its wait time; returns how, or null if it was answered. */
  Runnable expire(WaitingPulls.Waiting w, int waitMs) {
    return waiting.expire(
        w,
        "Pull from "
            + describe()
            + " waited "
            + waitMs
            + " ms for clock "
            + w.minClock
            + " but the table is at clock "
            + clocks.clock()
            + ": "
            + clocks.slowest());
  }

  /** Fails every waiting pull (table dropped). */
  List<Runnable> abandon(String reason) {
    return waiting.abandon(reason);
  }

  /** Validates and applies or buffers a push; returns the replies to pulls that became ready. */
  List<Runnable> push(
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
    storage.checkKeys(keys);
    if (worker < 0) {
      // Unclocked: apply key by key as it arrives (a key listed twice is updated twice, in order).
      applyNow(count > 0 ? count : 1.0, keys, deltas);
      return List.of();
    }
    int[] all = new int[coWorkers.length + 1];
    all[0] = worker;
    System.arraycopy(coWorkers, 0, all, 1, coWorkers.length);
    if (!clocks.admit(all, pushClock)) {
      return List.of();
    }
    List<Runnable> ready = new ArrayList<>();
    if (!clocks.perClock()) {
      applyNow(count > 0 ? count * clocks.numWorkers() / all.length : 1.0, keys, deltas);
      if (clocks.catchUp()) {
        waiting.collectReady(clocks.clock(), storage::read, ready);
      }
      return ready;
    }
    ClockStep s = steps.computeIfAbsent(pushClock, c -> newStep());
    for (int w : all) {
      s.pushed.set(w);
    }
    s.add(this, count, keys, deltas);
    while (!steps.isEmpty()
        && steps.firstKey() == clocks.clock()
        && steps.firstEntry().getValue().pushed.cardinality() == clocks.numWorkers()) {
      ClockStep done = steps.pollFirstEntry().getValue();
      undo.begin(clocks.clock());
      recording = undo;
      try {
        done.applyTo(this);
      } finally {
        recording = null;
      }
      release(done);
      clocks.tick();
      waiting.collectReady(clocks.clock(), storage::read, ready);
    }
    return ready;
  }

  /** Every key of this part with its values and optimizer state, in slot order. */
  Response.Exported export() {
    int n = (int) storage.numKeys();
    long[] keys = new long[n];
    storage.fillKeysBySlot(keys);
    double[] vals = new double[n * width];
    int sw = storage.stateWidth();
    double[] st = new double[n * sw];
    for (int slot = 0; slot < n; slot++) {
      storage.values().copyOut(slot, vals, slot * width);
      if (sw > 0) {
        storage.state().copyOut(slot, st, slot * sw);
      }
    }
    return new Response.Exported(clocks.clock(), keys, vals, st);
  }

  /** Receives a key of the part with its values and optimizer state (views into its pages). */
  interface KeyValues {
    void accept(long key, double[] values, int valuesAt, double[] state, int stateAt)
        throws IOException;
  }

  int stateWidth() {
    return storage.stateWidth();
  }

  /** Hands every key of this part, with its values and optimizer state, to {@code action}. */
  void forEachKey(KeyValues action) throws IOException {
    Pages values = storage.values();
    Pages state = storage.state();
    try {
      storage.forEachSlot(
          (key, slot) -> {
            try {
              action.accept(
                  key,
                  values.page(slot),
                  values.offset(slot),
                  state == null ? null : state.page(slot),
                  state == null ? 0 : state.offset(slot));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Makes the next loads start from a clean undo log (call before {@link #load}). */
  void beginLoad() {
    undo.invalidate();
  }

  /**
   * Sets one key's values and optimizer state exactly if this shard owns it (a part written under
   * another layout holds other shards' keys too); returns whether it did.
   *
   * @throws IllegalArgumentException if the key is beyond a dense table's dimension
   */
  boolean load(long key, double[] vals, double[] st) {
    if (!storage.owns(key)) {
      return false;
    }
    storage.checkKey(key);
    int slot = storage.slotForWrite(key);
    Pages values = storage.values();
    System.arraycopy(vals, 0, values.page(slot), values.offset(slot), width);
    int sw = storage.stateWidth();
    if (sw > 0) {
      Pages state = storage.state();
      System.arraycopy(st, 0, state.page(slot), state.offset(slot), sw);
    }
    return true;
  }

  /** Sets {@code keys}' values and optimizer state exactly, creating their slots. */
  void importValues(long[] keys, double[] vals, double[] st) {
    int sw = storage.stateWidth();
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
    storage.checkKeys(keys);
    undo.invalidate();
    Pages values = storage.values();
    Pages state = storage.state();
    for (int i = 0; i < keys.length; i++) {
      int slot = storage.slotForWrite(keys[i]);
      System.arraycopy(vals, i * width, values.page(slot), values.offset(slot), width);
      if (sw > 0) {
        System.arraycopy(st, i * sw, state.page(slot), state.offset(slot), sw);
      }
    }
  }

  /**
   * Applies {@code width} summed deltas from {@code sums[at..]}, divided by {@code norm}, to one
   * slot, through the table's update rule.
   */
  void update(int slot, double[] sums, int at, double norm) {
    Pages values = storage.values();
    if (recording != null) {
      recording.save(slot, values);
    }
    for (int j = 0; j < width; j++) {
      grad[j] = sums[at + j] / norm;
    }
    Pages state = storage.state();
    updater.apply(
        grad,
        values.page(slot),
        values.offset(slot),
        state == null ? null : state.page(slot),
        state == null ? 0 : state.offset(slot),
        width);
  }

  /** Applies deltas as they arrive (unclocked, SSP, ASP): no clock to undo to. */
  private void applyNow(double norm, long[] keys, double[] deltas) {
    undo.invalidate();
    for (int i = 0; i < keys.length; i++) {
      update(storage.slotForWrite(keys[i]), deltas, i * width, norm);
    }
  }

  private ClockStep newStep() {
    int slots = storage.fixedSlots();
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
