package io.trimtab.spark.ml;

import java.io.Serializable;
import scala.runtime.AbstractFunction1;

/**
 * A Param validator that explains itself: Spark's own validators reject a value with "parameter x
 * given invalid value y", while this one throws the check's own message, which names the value and
 * what was expected. It runs wherever Spark validates a Param (a setter, a {@code ParamMap}, a
 * loaded pipeline). Serializable, as Params are.
 */
final class Valid<T> extends AbstractFunction1<T, Object> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Throws {@link IllegalArgumentException} naming the value and what was expected, or returns. */
  interface Check<T> extends Serializable {
    void check(T value);
  }

  private final Check<T> check;

  private Valid(Check<T> check) {
    this.check = check;
  }

  static <T> Valid<T> of(Check<T> check) {
    return new Valid<>(check);
  }

  /** For an {@code IntParam} or {@code LongParam} (Spark passes the boxed number). */
  static Valid<Object> atLeast(String what, long min) {
    return new Valid<>(
        v -> {
          long n = ((Number) v).longValue();
          if (n < min) {
            throw new IllegalArgumentException(
                "Invalid " + what + ": " + n + " (must be >= " + min + ")");
          }
        });
  }

  @Override
  public Object apply(T value) {
    check.check(value);
    return Boolean.TRUE;
  }
}
