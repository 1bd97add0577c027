package io.trimtab.spark.ml;

import java.io.Serializable;

/**
 * Fault injection for tests and benchmarks, off by default: a straggler (worker {@code slowWorker}
 * sleeps {@code slowMillis} before each mini-batch) and a task that fails once (the first attempt
 * of worker {@code failWorker}'s task throws right after its push for table clock {@code failClock}
 * is acknowledged; the stage is then run again, and the retry repeats that epoch's earlier clocks).
 */
record Faults(int slowWorker, long slowMillis, int failWorker, long failClock)
    implements Serializable {
  static final Faults NONE = new Faults(-1, 0, -1, -1);

  Faults withSlowWorker(int worker, long millis) {
    return new Faults(worker, millis, failWorker, failClock);
  }

  Faults withFailingWorker(int worker, long clock) {
    return new Faults(slowWorker, slowMillis, worker, clock);
  }

  /** Whether worker {@code worker}'s attempt should fail after its push of {@code clock}. */
  boolean failsAfter(int worker, long clock, int stageRun, int taskAttempt) {
    return worker == failWorker && clock == failClock && stageRun == 0 && taskAttempt == 0;
  }
}
