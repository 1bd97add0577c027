package io.trimtab.spark.train;

import java.io.Serializable;
import java.util.function.UnaryOperator;

/**
 * Fault injection for tests and benchmarks, off by default, read by the engine at the start of each
 * fit from two test-only settings of the Spark session (not part of {@code TrimtabConf} or the
 * README's table; set with {@code spark.conf().set(...)}):
 *
 * <ul>
 *   <li>{@value #SLOW_WORKER} = {@code worker:millis} or {@code worker:millis:clock}: a straggler,
 *       worker {@code worker} sleeps {@code millis} before each of its mini-batches (from table
 *       clock {@code clock} on, counted from 0 over the whole fit: a worker slowed mid-run);
 *   <li>{@value #FAILING_WORKER} = {@code worker:clock}: the first attempt of worker {@code
 *       worker}'s task fails right after its push for table clock {@code clock} (counted from 0
 *       over the whole fit) is acknowledged; the epoch stage then runs again and the shards drop
 *       the repeated pushes.
 * </ul>
 */
record Faults(int slowWorker, long slowMillis, long slowFrom, int failWorker, long failClock)
    implements Serializable {
  /** Test-only: {@code worker:millis[:clock]}, a worker slowed before each mini-batch. */
  static final String SLOW_WORKER = "spark.trimtab.test.slowWorker";

  /** Test-only: {@code worker:clock}, a worker whose first task attempt fails after that push. */
  static final String FAILING_WORKER = "spark.trimtab.test.failingWorker";

  static final Faults NONE = new Faults(-1, 0, 0, -1, -1);

  /** The faults {@code conf} (a session's settings, null for unset) asks for. */
  static Faults from(UnaryOperator<String> conf) {
    long[] slow = numbers(SLOW_WORKER, conf.apply(SLOW_WORKER), "worker:millis[:clock]", 2, 3);
    long[] fail = numbers(FAILING_WORKER, conf.apply(FAILING_WORKER), "worker:clock", 2, 2);
    return new Faults(
        slow == null ? -1 : (int) slow[0],
        slow == null ? 0 : slow[1],
        slow == null || slow.length < 3 ? 0 : slow[2],
        fail == null ? -1 : (int) fail[0],
        fail == null ? -1 : fail[1]);
  }

  private static long[] numbers(String key, String value, String expected, int min, int max) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String[] parts = value.trim().split(":");
    try {
      if (parts.length >= min && parts.length <= max) {
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
          out[i] = i == 0 ? Integer.parseInt(parts[i].trim()) : Long.parseLong(parts[i].trim());
          if (out[i] < 0) {
            throw new NumberFormatException();
          }
        }
        return out;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "Invalid " + key + ": '" + value + "' (expected " + expected + ", all >= 0)");
  }

  /** Whether worker {@code worker} is slowed before its mini-batch of table clock {@code clock}. */
  boolean slows(int worker, long clock) {
    return worker == slowWorker && slowMillis > 0 && clock >= slowFrom;
  }

  /** Whether worker {@code worker}'s attempt should fail after its push of {@code clock}. */
  boolean failsAfter(int worker, long clock, int stageRun, int taskAttempt) {
    return worker == failWorker && clock == failClock && stageRun == 0 && taskAttempt == 0;
  }
}
