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

  /** A part written to a file: the part's clock, and what its manifest records of it. */
  record PartWritten(long clock, long keys, long bytes, long crc, long minKey, long maxKey)
      implements Response {}

  /** Parts read: keys read from them, and those kept (owned by this shard). */
  record PartsRead(long keysRead, long keysKept) implements Response {}

  /** A part sent to its new owners: its clock and the keys sent. */
  record Moved(long clock, long keys) implements Response {}

  /** The request failed; the message says what was wrong and what was expected. */
  record Failure(String message) implements Response {}
}
