package io.trimtab.ps;

/**
 * Which table clock a pull reads at.
 *
 * <ul>
 *   <li>{@link #latest()}: the values as they are, without waiting.
 *   <li>{@link #atLeast(long) atLeast(c)}: once every shard holding the keys has reached table
 *       clock c (all updates of clocks before c applied); a shard fails the pull, naming the
 *       slowest worker, if c is not reached within the request timeout.
 *   <li>{@link #exactly(long) exactly(c)}: as {@code atLeast(c)}, except that a shard of a BSP
 *       table that is one clock ahead answers with the values before its last clock. A BSP worker
 *       reads this way, so that a retried task (or a speculative copy) that re-reads a clock its
 *       earlier attempt completed on some shards but not on others computes the same update as that
 *       attempt did. The clock of the result says which values were read when a shard could not go
 *       back (further ahead, or not BSP).
 * </ul>
 *
 * <p>Immutable values; a pull request carries one to each shard.
 */
public sealed interface ReadMode {

  /** The clock to wait for (0 for {@link #latest()}). */
  long clock();

  /** Read now. */
  static ReadMode latest() {
    return Latest.INSTANCE;
  }

  /** Read once the table clock is at least {@code clock}. */
  static ReadMode atLeast(long clock) {
    return new AtLeast(clock);
  }

  /** Read as of table clock {@code clock} where the shards can. */
  static ReadMode exactly(long clock) {
    return new Exactly(clock);
  }

  /** See {@link #latest()}. */
  record Latest() implements ReadMode {
    private static final Latest INSTANCE = new Latest();

    @Override
    public long clock() {
      return 0;
    }
  }

  /** See {@link #atLeast(long)}. */
  record AtLeast(long clock) implements ReadMode {
    public AtLeast {
      checkClock(clock);
    }
  }

  /** See {@link #exactly(long)}. */
  record Exactly(long clock) implements ReadMode {
    public Exactly {
      checkClock(clock);
    }
  }

  private static void checkClock(long clock) {
    if (clock < 0) {
      throw new IllegalArgumentException("Invalid read clock: " + clock + " (must be >= 0)");
    }
  }
}
