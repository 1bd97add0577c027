package io.trimtab.ps.server;

import java.util.Arrays;

/**
 * The clocks of one table part: how many workers push to it, the next clock each will push, the
 * table clock (the lowest clock every worker has completed), and the exactly-once check of clocked
 * pushes. A clocked push for a clock its worker has already pushed to this part comes from a
 * retried task or a speculative copy of one: it is a repeat, to be acknowledged, dropped and
 * counted, so a clock's update from a worker is applied once, from whichever attempt reached this
 * part first.
 *
 * <p>Not thread-safe: used under the lock of the owning {@link TablePart}.
 */
final class WorkerClocks {
  private final String owner;
  private int numWorkers;
  private boolean perClock = true;

  /** Per worker: the next clock it will push (the number of clocks it has completed). */
  private long[] next = new long[0];

  private long clock;
  private long repeats;

  /**
   * @param owner the part, as named in errors
   */
  WorkerClocks(String owner) {
    this.owner = owner;
  }

  long clock() {
    return clock;
  }

  int numWorkers() {
    return numWorkers;
  }

  /** Whether a clock's pushes are summed and applied together (BSP). */
  boolean perClock() {
    return perClock;
  }

  /** Clocked pushes received a second time and dropped (retried or speculative task attempts). */
  long repeats() {
    return repeats;
  }

  /** Throws unless every worker has completed the table clock (between epochs). */
  void checkBetweenEpochs() {
    for (long c : next) {
      if (c != clock) {
        throw new IllegalStateException(
            "Cannot change the workers of "
                + owner
                + " in the middle of an epoch: "
                + slowest()
                + " (expected every worker at clock "
                + clock
                + ")");
      }
    }
  }

  /**
   * Sets {@code n} workers, all continuing from the table clock, which {@code startClock >= 0}
   * replaces.
   */
  void reset(int n, boolean aggregatePerClock, long startClock) {
    if (startClock >= 0) {
      clock = startClock;
    }
    numWorkers = n;
    perClock = aggregatePerClock;
    next = new long[n];
    Arrays.fill(next, clock);
  }

  /**
   * Admits a push of {@code workers} (one, or several combined) for {@code pushClock}: true if it
   * is new, and each worker moves on to its next clock; false if every worker already pushed that
   * clock (a repeat, counted).
   *
   * @throws IllegalArgumentException if a worker is named twice or is not a worker of the table
   * @throws IllegalStateException if a push is out of order, or combines new and repeated workers
   */
  boolean admit(int[] workers, long pushClock) {
    if (Arrays.stream(workers).distinct().count() != workers.length) {
      throw new IllegalArgumentException(
          "Push to " + owner + " names a worker twice: " + Arrays.toString(workers));
    }
    int repeated = 0;
    for (int w : workers) {
      repeated += alreadyPushed(w, pushClock) ? 1 : 0;
    }
    if (repeated == workers.length) {
      repeats++;
      return false;
    }
    if (repeated > 0) {
      throw new IllegalStateException(
          "Push to "
              + owner
              + " for clock "
              + pushClock
              + " combines workers "
              + Arrays.toString(workers)
              + " of which "
              + repeated
              + " already pushed that clock: a retried "
              + "combined push whose workers were grouped differently cannot be applied exactly once (expected every "
              + "worker of a combined push to be new for the clock, or every one a repeat)");
    }
    for (int w : workers) {
      next[w]++;
    }
    return true;
  }

  /** Moves the table clock up to the slowest worker's; true if it moved. */
  boolean catchUp() {
    long min = Long.MAX_VALUE;
    for (long c : next) {
      min = Math.min(min, c);
    }
    if (min > clock) {
      clock = min;
      return true;
    }
    return false;
  }

  /** Completes the table clock (a BSP clock was applied). */
  void tick() {
    clock++;
  }

  /** The slowest worker and its clock, for error messages. */
  String slowest() {
    if (numWorkers == 0) {
      return "no workers are set";
    }
    int w = 0;
    for (int i = 1; i < numWorkers; i++) {
      if (next[i] < next[w]) {
        w = i;
      }
    }
    return "slowest worker " + w + " has completed " + next[w] + " clocks";
  }

  /**
   * Whether {@code worker} already pushed {@code pushClock} here; throws if the push is out of
   * order.
   */
  private boolean alreadyPushed(int worker, long pushClock) {
    if (worker >= numWorkers) {
      throw new IllegalArgumentException(
          "Push to "
              + owner
              + " from worker "
              + worker
              + ": the table has "
              + numWorkers
              + " workers (expected worker 0 .. "
              + (numWorkers - 1)
              + ")");
    }
    long expected = next[worker];
    if (pushClock < expected) {
      return true;
    }
    if (pushClock > expected) {
      throw new IllegalStateException(
          "Out-of-order push to "
              + owner
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
}
