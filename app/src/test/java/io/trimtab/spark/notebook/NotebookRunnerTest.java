package io.trimtab.spark.notebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.app.LocalCluster;
import io.trimtab.spark.notebook.ParagraphRun.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebook runner without Spark: a clean note passes, and every way a paragraph can break (a
 * compile error, an exception, incomplete code, in Scala and in Java, an unknown interpreter) fails
 * the note with a message naming the note, the paragraph and the cause.
 */
class NotebookRunnerTest {
  @TempDir static Path dir;
  private static NotebookRunner runner;

  @BeforeAll
  static void startInterpreter() {
    runner = NotebookRunner.start(dir.resolve("classes"), LocalCluster.currentClassPath());
  }

  @AfterAll
  static void closeInterpreter() {
    if (runner != null) {
      runner.close();
    }
  }

  /** A paragraph: title and text. */
  private static String[] p(String title, String text) {
    return new String[] {title, text};
  }

  private static ZeppelinNote note(String name, String[]... paragraphs) {
    return ZeppelinNote.of(name, paragraphs);
  }

  @Test
  void aCleanNote_runsSparkAndJavaParagraphsInOrder_sharingScalaDefinitions_andSkipsMarkdown() {
    NoteRun run =
        runner.run(
            note(
                "clean",
                p("About", "%md\n# Not code"),
                p("Define", "%spark\nval answer = 6 * 7"),
                p(
                    "Use",
                    "%spark\nrequire(answer == 42, s\"answer $answer\")\nprintln(s\"the answer is $answer\")"),
                p(
                    "",
                    "%java\nimport java.util.List;\npublic class Hello {\n  public static void main(String[] args) {\n"
                        + "    System.out.println(\"hello from Java, \" + List.of(6, 7));\n  }\n}"),
                p(
                    "No directive",
                    "val again = answer + 1\nprintln(s\"default interpreter: $again\")")));

    run.requireSuccess();
    assertThat(run.paragraphs())
        .extracting(ParagraphRun::status)
        .containsExactly(
            Status.SKIPPED, Status.FINISHED, Status.FINISHED, Status.FINISHED, Status.FINISHED);
    assertThat(run.paragraphs().get(1).output()).contains("answer: Int = 42");
    assertThat(run.paragraphs().get(2).output()).contains("the answer is 42");
    assertThat(run.paragraphs().get(3).output()).contains("hello from Java, [6, 7]");
    assertThat(run.paragraphs().get(4).output()).contains("default interpreter: 43");
    assertThat(run.executedNote())
        .contains("\"status\" : \"FINISHED\"")
        .contains("the answer is 42")
        .doesNotContain("SKIPPED");
    assertThat(run.summary())
        .contains("clean (clean.zpln)")
        .contains("paragraph 3 \"Use\" (%spark)");
  }

  @Test
  void aScalaParagraphThatDoesNotCompile_failsTheNote_namingNoteParagraphAndCompilerError() {
    NoteRun run =
        runner.run(
            note(
                "broken",
                p("Fine", "%spark\nval fine = 1"),
                p("Broken", "%spark\nval n: Int = \"not a number\""),
                p("Never", "%spark\nprintln(\"never printed\")")));

    assertThat(run.paragraphs()).as("stops at the failure").hasSize(2);
    assertThat(run.paragraphs().get(1).status()).isEqualTo(Status.ERROR);
    assertThatThrownBy(run::requireSuccess)
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith(
            "Note \"broken\" (broken.zpln): paragraph 2 \"Broken\" (%spark) failed: "
                + "the Scala interpreter reported an error")
        .hasMessageContaining("type mismatch")
        .hasMessageContaining("found   : String(\"not a number\")")
        .hasMessageNotContaining("never printed");
    assertThat(run.executedNote()).contains("\"status\" : \"ERROR\"");
  }

  @Test
  void aScalaParagraphThatThrows_failsTheNote_withTheException() {
    NoteRun run =
        runner.run(
            note(
                "throws",
                p("Check", "%spark\nval sum = 1 + 1\nrequire(sum == 3, s\"sum is $sum\")")));

    assertThatThrownBy(run::requireSuccess)
        .hasMessageStartingWith(
            "Note \"throws\" (throws.zpln): paragraph 1 \"Check\" (%spark) failed")
        .hasMessageContaining("java.lang.IllegalArgumentException: requirement failed: sum is 2");
  }

  @Test
  void anIncompleteScalaParagraph_failsTheNote() {
    NoteRun run = runner.run(note("incomplete", p("", "%spark\nval xs = List(1, 2")));

    assertThatThrownBy(run::requireSuccess)
        .hasMessageStartingWith(
            "Note \"incomplete\" (incomplete.zpln): paragraph 1 (%spark) is incomplete");
  }

  @Test
  void aJavaParagraphThatDoesNotCompile_failsTheNote_withTheCompilerErrorAndLine() {
    NoteRun run =
        runner.run(
            note(
                "java-broken",
                p(
                    "Typo",
                    "%java\npublic class Bad {\n"
                        + "  public static void main(String[] args) {\n    int n = \"not a number\";\n  }\n}")));

    assertThatThrownBy(run::requireSuccess)
        .hasMessageStartingWith(
            "Note \"java-broken\" (java-broken.zpln): paragraph 1 \"Typo\" (%java) does not compile")
        .hasMessageContaining(
            "error at line 3: incompatible types: java.lang.String cannot be converted to int")
        .hasMessageContaining("int n = \"not a number\";");
  }

  @Test
  void aJavaParagraphWhoseMainThrows_failsTheNote_withTheException() {
    NoteRun run =
        runner.run(
            note(
                "java-throws",
                p(
                    "",
                    "%java\npublic class Boom {\n"
                        + "  public static void main(String[] args) {\n    throw new IllegalStateException(\"AUC 0.5\");\n  }\n}")));

    assertThatThrownBy(run::requireSuccess)
        .hasMessageStartingWith(
            "Note \"java-throws\" (java-throws.zpln): paragraph 1 (%java) threw "
                + "java.lang.IllegalStateException: AUC 0.5")
        .hasMessageContaining("at notebook.java")
        .hasMessageContaining("elided")
        .hasMessageNotContaining("org.junit");
  }

  @Test
  void aJavaParagraphWithoutAPublicClass_failsTheNote() {
    NoteRun run = runner.run(note("java-no-class", p("", "%java\nSystem.out.println(1);")));

    assertThatThrownBy(run::requireSuccess)
        .hasMessageContaining("(%java) declares no public class");
  }

  @Test
  void aParagraphOfAnotherInterpreter_failsTheNote_ratherThanBeingSkipped() {
    NoteRun run = runner.run(note("python", p("", "%python\nprint(1)")));

    assertThatThrownBy(run::requireSuccess)
        .hasMessageContaining(
            "paragraph 1 (%python) uses %python, which this runner does not support");
  }
}
