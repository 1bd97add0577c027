package io.trimtab.spark.ml;

import java.util.function.Supplier;
import org.apache.spark.SparkException;

/**
 * Surfaces a bad-input error raised inside a task (an IllegalArgumentException naming the row) as
 * that error on the driver, instead of Spark's "Job aborted due to stage failure" wrapper.
 */
public final class UserErrors {
  private UserErrors() {}

  public static <T> T unwrap(Supplier<T> job) {
    try {
      return job.get();
    } catch (RuntimeException e) {
      Throwable c = e;
      while (c != null) {
        if (c instanceof IllegalArgumentException iae && !(c instanceof SparkException)) {
          throw new IllegalArgumentException(iae.getMessage(), e);
        }
        c = c.getCause();
      }
      throw e;
    }
  }
}
