package io.trimtab.spark.train;

import java.io.Serializable;
import java.util.function.UnaryOperator;

/**
 * Fault injection for tests and benchmarks, off by default, read by the engine at the start of each
 * fit from two test-only settings of the Spark session (not part of {@code TrimtabConf} or the
 * README's table; set with {@code spark.conf().set(...)}):
 *
 * <ul>
 *   <li>{@value #SLOW_WORKER} = {@code worker:millis}: a straggler, worker {@code worker} sleeps
 *       {@code millis} before each of its mini-batches;
 *   <li>{@value #FAILING_WORKER} = {@code worker:clock}: the first attempt of worker {@code
 *       worker}'s task fails right after its push for table clock {@code clock} (counted from 0
 *       over the whole fit) is acknowledged; the epoch stage then runs again and the shards drop
 *       the repeated pushes.
 * </ul>
 */
record Faults(int slowWorker, long slowMillis, int failWorker, long failClock)
    implements Serializable {
  /** Test-only: {@code worker:millis}, a worker slowed before each mini-batch. */
  static final String SLOW_WORKER = "spark.trimtab.test.slowWorker";

  /** Test-only: {@code worker:clock}, a worker whose first task attempt fails after that push. */
  static final String FAILING_WORKER = "spark.trimtab.test.failingWorker";

  static final Faults NONE = new Faults(-1, 0, -1, -1);

  /** The faults {@code conf} (a session's settings, null for unset) asks for. */
  static Faults from(UnaryOperator<String> conf) {
    long[] slow = pair(SLOW_WORKER, conf.apply(SLOW_WORKER), "worker:millis");
    long[] fail = pair(FAILING_WORKER, conf.apply(FAILING_WORKER), "worker:clock");
    return new Faults(
        slow == null ? -1 : (int) slow[0],
        slow == null ? 0 : slow[1],
        fail == null ? -1 : (int) fail[0],
        fail == null ? -1 : fail[1]);
  }

  private static long[] pair(String key, String value, String expected) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String[] parts = value.trim().split(":");
    try {
      if (parts.length == 2) {
        long a = Integer.parseInt(parts[0].trim());
        long b = Long.parseLong(parts[1].trim());
        if (a >= 0 && b >= 0) {
          return new long[] {a, b};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "Invalid " + key + ": '" + value + "' (expected " + expected + ", both >= 0)");
  }

  /** Whether worker {@code worker}'s attempt should fail after its push of {@code clock}. */
  boolean failsAfter(int worker, long clock, int stageRun, int taskAttempt) {
    return worker == failWorker && clock == failClock && stageRun == 0 && taskAttempt == 0;
  }
}
