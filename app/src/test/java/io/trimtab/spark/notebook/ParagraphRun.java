package io.trimtab.spark.notebook;

/**
 * What running one paragraph did.
 *
 * @param paragraph the paragraph
 * @param status how it ended
 * @param output what it printed (for {@code %spark}, also the interpreter's own messages: the
 *     values defined, compile errors, stack traces)
 * @param problem why it failed ("" unless {@link Status#ERROR})
 * @param seconds wall time
 */
public record ParagraphRun(
    ZeppelinNote.Paragraph paragraph,
    Status status,
    String output,
    String problem,
    double seconds) {

  /**
   * How a paragraph ended: FINISHED and ERROR are Zeppelin's paragraph statuses of the same name.
   */
  public enum Status {
    /** ran and succeeded */
    FINISHED,
    /** failed to compile, was incomplete, or threw */
    ERROR,
    /** not run: not code (a {@code %md} paragraph) */
    SKIPPED
  }
}
