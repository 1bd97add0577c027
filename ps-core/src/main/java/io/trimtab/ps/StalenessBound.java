package io.trimtab.ps;

import java.io.Serializable;
import java.util.Locale;

/**
 * How stale the parameters a worker reads may be, in clocks (one clock = one mini-batch of every
 * worker). A worker at clock c may read only once every worker has finished clock c - s - 1, i.e.
 * once the table clock (the lowest clock all workers have completed) is at least c - s.
 *
 * <ul>
 *   <li>BSP, bound 0: every read sees all updates of all earlier clocks, and the shards apply a
 *       clock's updates together (one averaged step per clock).
 *   <li>SSP(s), bound s >= 0: reads may miss the updates of the last s clocks; updates are applied
 *       as they arrive (Ho et al., "More Effective Distributed ML via a Stale Synchronous Parallel
 *       Parameter Server", NIPS 2013).
 *   <li>ASP, unbounded: reads never wait; updates are applied as they arrive.
 * </ul>
 *
 * @param mode BSP, SSP or ASP
 * @param clocks the bound: 0 for BSP, >= 0 for SSP, {@link #UNBOUNDED} for ASP
 */
public record StalenessBound(Mode mode, long clocks) implements Serializable {
  /** The bound of ASP. */
  public static final long UNBOUNDED = Long.MAX_VALUE;

  /** The three consistency models. */
  public enum Mode {
    BSP,
    SSP,
    ASP
  }

  public StalenessBound {
    if (mode == null) {
      throw new IllegalArgumentException("Staleness mode is null (expected BSP, SSP or ASP)");
    }
    if (clocks < 0) {
      throw new IllegalArgumentException("Invalid staleness bound: " + clocks + " (must be >= 0)");
    }
    if (mode == Mode.BSP && clocks != 0
        || mode == Mode.ASP && clocks != UNBOUNDED
        || mode == Mode.SSP && clocks == UNBOUNDED) {
      throw new IllegalArgumentException(
          "Invalid staleness bound "
              + clocks
              + " for "
              + mode
              + " (expected 0 for BSP, a finite bound >= 0 for SSP, unbounded for ASP)");
    }
  }

  /** Bulk synchronous: bound 0, a clock's updates applied together. */
  public static StalenessBound bsp() {
    return new StalenessBound(Mode.BSP, 0);
  }

  /** Stale synchronous with bound {@code s >= 0}. */
  public static StalenessBound ssp(long s) {
    if (s < 0) {
      throw new IllegalArgumentException("Invalid staleness bound: " + s + " (must be >= 0)");
    }
    return new StalenessBound(Mode.SSP, s);
  }

  /** Asynchronous: no bound. */
  public static StalenessBound asp() {
    return new StalenessBound(Mode.ASP, UNBOUNDED);
  }

  /** Parses "bsp", "asp", "ssp:3" or "ssp(3)" (case-insensitive). */
  public static StalenessBound parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("bsp")) {
      return bsp();
    }
    if (t.equals("asp")) {
      return asp();
    }
    if (t.startsWith("ssp")) {
      String n = t.substring(3).replaceAll("[:()\\s]", "");
      try {
        return ssp(Long.parseLong(n));
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException(
        "Invalid staleness setting: '"
            + text
            + "' (expected bsp, asp, or ssp:<bound> with bound >= 0, e.g. ssp:3)");
  }

  /** Whether reads ever wait (BSP and SSP). */
  public boolean bounded() {
    return mode != Mode.ASP;
  }

  /**
   * Whether shards sum each clock's pushes and apply them together (BSP) rather than on arrival.
   */
  public boolean aggregatesPerClock() {
    return mode == Mode.BSP;
  }

  /** The table clock a worker at {@code clock} must wait for before reading. */
  public long minReadClock(long clock) {
    return bounded() ? Math.max(0, clock - clocks) : 0;
  }

  @Override
  public String toString() {
    return switch (mode) {
      case BSP -> "bsp";
      case SSP -> "ssp:" + clocks;
      case ASP -> "asp";
    };
  }
}
