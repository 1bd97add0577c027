package io.trimtab.ps.protocol;

/** Messages a shard server answers with. Internal to Trimtab. */
public sealed interface Response {

  /** The request was carried out. */
  record Ack() implements Response {}

  /** Values of the pulled keys, in request order, and the clock they were read at. */
  record Values(long clock, double[] values) implements Response {}

  /**
   * Facts about the server ({@code pushes}: push requests it received, all tables, since it
   * started) and, if asked, one table part.
   */
  record Status(
      long pid,
      int tables,
      long pushes,
      long clock,
      long numKeys,
      long parameterBytes,
      long stateBytes,
      long duplicatePushes)
      implements Response {}

  /** A part's keys, values and optimizer state ({@code width} and {@code stateWidth} per key). */
  record Exported(long clock, long[] keys, double[] values, double[] state) implements Response {}

  /** The request failed; the message says what was wrong and what was expected. */
  record Failure(String message) implements Response {}
}
