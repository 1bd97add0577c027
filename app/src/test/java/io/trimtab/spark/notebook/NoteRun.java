package io.trimtab.spark.notebook;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The outcome of running a note: every paragraph run, in order, up to and including the first that
 * failed (Zeppelin's "Run all" stops there too).
 *
 * @param note the note
 * @param paragraphs the paragraphs run
 * @param seconds wall time of the whole note
 */
public record NoteRun(ZeppelinNote note, List<ParagraphRun> paragraphs, double seconds) {
  /**
   * Most characters of a failed paragraph's output quoted in the failure message (its end is kept).
   */
  static final int QUOTED_OUTPUT = 20_000;

  public NoteRun {
    paragraphs = List.copyOf(paragraphs);
  }

  /** The failed paragraph, if one failed. */
  public Optional<ParagraphRun> failure() {
    return paragraphs.stream().filter(p -> p.status() == ParagraphRun.Status.ERROR).findFirst();
  }

  /**
   * Passes if every paragraph ran clean.
   *
   * @throws AssertionError naming the note, the failed paragraph (index, title, interpreter) and
   *     the problem, and quoting the paragraph's output (for {@code %spark}, the interpreter's
   *     errors)
   */
  public void requireSuccess() {
    failure()
        .ifPresent(
            p -> {
              String out = p.output();
              if (out.length() > QUOTED_OUTPUT) {
                out =
                    "[... "
                        + (out.length() - QUOTED_OUTPUT)
                        + " characters ...]"
                        + out.substring(out.length() - QUOTED_OUTPUT);
              }
              throw new AssertionError(
                  String.format(
                      Locale.ROOT,
                      "Note \"%s\" (%s): %s %s%n--- its output ---%n%s",
                      note.name(),
                      note.source(),
                      p.paragraph().describe(),
                      p.problem(),
                      out.strip()));
            });
  }

  /**
   * The note's JSON with these runs' statuses and outputs (see {@link ZeppelinNote#withResults}).
   */
  public String executedNote() {
    Map<Integer, ParagraphRun> byIndex =
        paragraphs.stream()
            .collect(Collectors.toMap(p -> p.paragraph().index(), Function.identity()));
    return note.withResults(byIndex);
  }

  /** One line per paragraph with its status and time, for the test log. */
  public String summary() {
    StringBuilder s =
        new StringBuilder(
            String.format(Locale.ROOT, "%s (%s): %.1f s%n", note.name(), note.source(), seconds));
    for (ParagraphRun p : paragraphs) {
      s.append(
          String.format(
              Locale.ROOT,
              "  %-8s %6.1f s  %s%n",
              p.status(),
              p.seconds(),
              p.paragraph().describe()));
    }
    return s.toString();
  }
}
