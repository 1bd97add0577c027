package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.trimtab.app.LocalCluster;
import io.trimtab.spark.notebook.NoteRun;
import io.trimtab.spark.notebook.NotebookRunner;
import io.trimtab.spark.notebook.ZeppelinNote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Zeppelin note in {@code notebooks/} runs clean, paragraph by paragraph, on one
 * multi-process session ({@code local-cluster[2,1,1024]} with Trimtab's plugin) that is the notes'
 * {@code spark}, as in a Zeppelin whose Spark interpreter has the Trimtab jar and plugin. The notes
 * check their own results ({@code require(auc > 0.95, ...)}), so one that computes nonsense fails
 * here. Each executed note, with its outputs, is written to {@code target/notebooks/} (it opens in
 * Zeppelin like the original).
 */
class NotebooksIT {
  /** The notes' directory: the system property, else {@code ../notebooks} from the module. */
  static final Path NOTES = Path.of(System.getProperty("trimtab.notebooks", "../notebooks"));

  static final Path EXECUTED = Path.of("target", "notebooks");

  @TempDir static Path classDir;
  private static NotebookRunner runner;
  private static SparkSession spark;

  @BeforeAll
  static void startInterpreterAndCluster() {
    runner = NotebookRunner.start(classDir, LocalCluster.currentClassPath());
    spark =
        ClusterSessions.localCluster(
            "local-cluster[2,1,1024]", "trimtab-notebooks-it", runner.sparkSettings());
    runner.bindSpark(spark);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (runner != null) {
      runner.close();
    }
  }

  @Test
  void theNotesSpark_isTheClusterSession_andParagraphClassesRunInItsExecutors() {
    NoteRun run =
        runner.run(
            ZeppelinNote.of(
                "session check",
                new String[] {
                  "Define (alone: executors that load the class run its paragraph again)",
                  """
            %spark
            case class Probe(i: Int, pid: Long)
            """
                },
                new String[] {
                  "Use",
                  """
            %spark
            require(sc.master == "local-cluster[2,1,1024]", s"master ${sc.master}")
            val driver = ProcessHandle.current.pid
            val rows = sc.parallelize(1 to 4, 4).map(i => Probe(i, ProcessHandle.current.pid)).collect()
            require(rows.map(_.i).sorted.toSeq == Seq(1, 2, 3, 4) && rows.forall(_.pid != driver), rows.mkString(", "))
            val ds = Seq(Probe(1, 0L), Probe(2, 0L)).toDS().repartition(2).map(r => r.copy(i = r.i * 10)).collect()
            require(ds.map(_.i).sorted.toSeq == Seq(10, 20), ds.mkString(", "))
            """
                },
                new String[] {
                  "Java",
                  """
            %java
            import java.util.List;
            import org.apache.spark.api.java.function.MapFunction;
            import org.apache.spark.sql.Encoders;
            import org.apache.spark.sql.SparkSession;
            public class LambdaOnExecutors {
              public static void main(String[] args) {
                SparkSession spark = SparkSession.builder().getOrCreate();
                long driver = ProcessHandle.current().pid();
                List<Long> pids = spark.range(4).repartition(2)
                    .map((MapFunction<Long, Long>) i -> ProcessHandle.current().pid(), Encoders.LONG()).collectAsList();
                if (pids.size() != 4 || pids.contains(driver)) {
                  throw new IllegalStateException("pids " + pids + ", driver " + driver);
                }
                System.out.println("Java lambda ran in executor processes " + new java.util.TreeSet<>(pids));
              }
            }
            """
                }));
    run.requireSuccess();
  }

  @Test
  void theReadmesScalaExample_runsAsWritten_andBeatsPredictingTheMean() {
    List<String> scala = ReadmeBlocks.of("scala");
    assertThat(scala).as("```scala blocks in " + ReadmeBlocks.README).isNotEmpty();
    List<String[]> paragraphs = new ArrayList<>();
    for (String block : scala) {
      paragraphs.add(
          new String[] {"README.md, Scala block " + (paragraphs.size() + 1), "%spark\n" + block});
    }
    // the mean rating predicts the test ratings with an RMSE of about 1.06 (ModelsIT); the FM does
    // better
    paragraphs.add(
        new String[] {
          "check",
          """
        %spark
        require(rmse < 1.0, s"README's factorization machine: test RMSE $rmse, not below 1.0")
        """
        });
    NoteRun run = runner.run(ZeppelinNote.of("README", paragraphs.toArray(new String[0][])));
    System.out.print(run.summary());
    run.requireSuccess();
  }

  @TestFactory
  Stream<DynamicTest> everyNoteInNotebooks_runsClean() throws IOException {
    assertThat(NOTES)
        .as("the notebooks directory (system property trimtab.notebooks)")
        .isDirectory();
    // -Dtrimtab.notes=quickstart,mllib runs only the notes whose file names contain one of these
    List<String> only =
        Stream.of(System.getProperty("trimtab.notes", "").split(","))
            .map(String::strip)
            .filter(x -> !x.isEmpty())
            .toList();
    List<Path> notes;
    try (Stream<Path> files = Files.list(NOTES)) {
      notes =
          files
              .filter(f -> f.getFileName().toString().endsWith(".zpln"))
              .filter(
                  f ->
                      only.isEmpty()
                          || only.stream().anyMatch(f.getFileName().toString()::contains))
              .sorted()
              .toList();
    }
    assertThat(notes)
        .as(
            "Zeppelin notes (*.zpln) in "
                + NOTES.toAbsolutePath()
                + (only.isEmpty()
                    ? ""
                    : " whose names contain one of " + only + " (trimtab.notes)"))
        .isNotEmpty();
    Files.createDirectories(EXECUTED);
    return notes.stream()
        .map(
            file ->
                dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      NoteRun run = runner.run(ZeppelinNote.read(file));
                      Files.writeString(EXECUTED.resolve(file.getFileName()), run.executedNote());
                      System.out.print(run.summary());
                      run.requireSuccess();
                    }));
  }
}
