package io.trimtab.ps.server;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Pulls parked until a table part reaches the clock they wait for. Each is answered once: when the
 * clock is reached, when its wait time runs out, or when the table is dropped; answering cancels
 * its expiry so that nothing keeps waiting on its keys.
 *
 * <p>Not thread-safe: used under the lock of the owning {@link TablePart}. The returned {@link
 * Runnable}s send replies and are run after that lock is released.
 */
final class WaitingPulls {
  private final List<Waiting> waiting = new ArrayList<>();

  /** Where the answer to a parked pull goes. */
  interface ReadyPull {
    void ready(long clock, double[] values);

    void failed(String reason);
  }

  /** One parked pull; a handle for its expiry. */
  static final class Waiting {
    final long minClock;
    final long[] keys;
    private final ReadyPull onReady;
    private Future<?> expiry;

    private Waiting(long minClock, long[] keys, ReadyPull onReady) {
      this.minClock = minClock;
      this.keys = keys;
      this.onReady = onReady;
    }

    /** Attaches the timer task that will expire this pull. */
    void attachExpiry(Future<?> task) {
      expiry = task;
    }

    private void cancelExpiry() {
      if (expiry != null) {
        expiry.cancel(false);
      }
    }
  }

  Waiting park(long minClock, long[] keys, ReadyPull onReady) {
    Waiting w = new Waiting(minClock, keys, onReady);
    waiting.add(w);
    return w;
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  int size() {
    return waiting.size();
  }

  /** The failure of {@code w} with {@code reason}, or null if it was answered already. */
  Runnable expire(Waiting w, String reason) {
    if (!waiting.remove(w)) {
      return null;
    }
    return () -> w.onReady.failed(reason);
  }

  /** Answers of the pulls that {@code clock} satisfies, read with {@code read}; they leave. */
  void collectReady(long clock, Function<long[], double[]> read, List<Runnable> ready) {
    Iterator<Waiting> it = waiting.iterator();
    while (it.hasNext()) {
      Waiting w = it.next();
      if (w.minClock <= clock) {
        it.remove();
        w.cancelExpiry();
        double[] v = read.apply(w.keys);
        ready.add(() -> w.onReady.ready(clock, v));
      }
    }
  }

  /** Failures of every waiting pull (table dropped); none wait afterwards. */
  List<Runnable> abandon(String reason) {
    List<Runnable> out = new ArrayList<>();
    for (Waiting w : waiting) {
      w.cancelExpiry();
      out.add(() -> w.onReady.failed(reason));
    }
    waiting.clear();
    return out;
  }
}
