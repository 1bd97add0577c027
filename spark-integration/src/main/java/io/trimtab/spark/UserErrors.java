package io.trimtab.spark;

import java.util.function.Supplier;
import org.apache.spark.SparkException;

/**
 * Surfaces a bad-input error raised inside a task (an IllegalArgumentException naming the row, line
 * or value) as that error on the driver, instead of Spark's "Job aborted due to stage failure"
 * wrapper.
 */
public final class UserErrors {
  private UserErrors() {}

  /**
   * Runs a Spark action; if it fails because a task threw an IllegalArgumentException, throws an
   * IllegalArgumentException with that message (the Spark failure as its cause); else rethrows the
   * failure as it is.
   */
  public static <T> T unwrap(Supplier<T> job) {
    try {
      return job.get();
    } catch (
        Exception
            e) { // Spark's job failure is a SparkException, a checked exception thrown from Scala
      Throwable c = e;
      while (c != null) {
        if (c instanceof IllegalArgumentException iae && !(c instanceof SparkException)) {
          throw new IllegalArgumentException(iae.getMessage(), e);
        }
        c = c.getCause();
      }
      throw UserErrors.<RuntimeException>rethrow(e);
    }
  }

  /**
   * Throws {@code e} as it is, checked or not (Spark's job failures are checked exceptions thrown
   * from Scala).
   */
  @SuppressWarnings("unchecked")
  public static <E extends Exception> E rethrow(Exception e) throws E {
    throw (E) e;
  }
}
