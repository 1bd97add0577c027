package io.trimtab.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The spark-submit application, submitted for real: {@code org.apache.spark.deploy.SparkSubmit} in
 * a separate JVM ({@code bin/trimtab-submit}) with the shaded application jar and without naming
 * its class (the jar's manifest does), on a local-cluster master (two executor JVMs).
 */
class TrimtabAppIT {

  @Test
  void sparkSubmit_trainsOnBuiltinData_printingOneLinePerEpoch() throws Exception {
    Path tuningDir = Files.createTempDirectory("trimtab-submit-tuning");
    Submitted r = submit(tuningDir, "--dataset", "heart_scale", "--epochs", "6", "--batches", "5");
    String out = r.out();
    Process p = r.process();
    boolean done = r.done();
    assertThat(done).as("spark-submit finished within 180 s; output:%n%s", out).isTrue();
    assertThat(p.exitValue()).as("exit code; output:%n%s", out).isZero();
    assertThat(out).contains("trimtab: 2 shards in executors");
    assertThat(out).containsPattern("epoch 1/6  train loss 0\\.\\d+");
    assertThat(out).containsPattern("epoch 6/6  train loss 0\\.\\d+");
    assertThat(out).containsPattern("test: log-loss 0\\.\\d+  AUC 0\\.\\d+");
    // tuning is on by default: one line per epoch with the decision, a decision log and a report
    assertThat(out).containsPattern("epoch 3/6 .* next: [A-Z]+ ");
    assertThat(out).containsPattern("tuning: \\d+ settings tried");
    List<Path> reports;
    try (Stream<Path> s = Files.walk(tuningDir)) {
      reports = s.filter(f -> f.getFileName().toString().equals("tuning-report.html")).toList();
    }
    assertThat(reports).as("tuning reports under %s; output:%n%s", tuningDir, out).hasSize(1);
    assertThat(Files.readString(reports.get(0)))
        .contains("<h2>Decisions</h2>")
        .contains("data:image/png;base64,");
    assertThat(Files.readAllLines(reports.get(0).resolveSibling("decisions.jsonl"))).hasSize(7);
  }

  /** The factorization machine is submitted by ReadmeIT (a README command), with its RMSE line. */
  @Test
  void sparkSubmit_trainsSoftmax_scoringItsAccuracy_andRefusesAnUnknownModel() throws Exception {
    Path tuningDir = Files.createTempDirectory("trimtab-submit-models");
    Submitted softmax =
        submit(
            tuningDir,
            "--model",
            "softmax",
            "--dataset",
            "heart_scale",
            "--epochs",
            "3",
            "--tuning",
            "off");
    assertThat(softmax.done()).as("finished; output:%n%s", softmax.out()).isTrue();
    assertThat(softmax.process().exitValue()).as("exit code; output:%n%s", softmax.out()).isZero();
    assertThat(softmax.out())
        .containsPattern("epoch 3/3  train loss 0\\.\\d+")
        .containsPattern("test: log-loss 0\\.\\d+  accuracy 0\\.\\d+  rows \\d+");

    Submitted bad = submit(tuningDir, "--model", "svm", "--dataset", "heart_scale");
    assertThat(bad.done()).isTrue();
    assertThat(bad.process().exitValue()).isEqualTo(2);
    assertThat(bad.out()).contains("Invalid value for option '--model'").contains("svm");
  }

  /**
   * Submits the application jar with {@code appArgs} through {@code bin/trimtab-submit} (Spark's
   * {@code SparkSubmit} on Spark's jars only: Trimtab and its own dependencies come from the
   * application jar, which so proves to be self-contained) to its default master,
   * local-cluster[2,1,1024]; waits up to 180 s.
   */
  private static Submitted submit(Path tuningDir, String... appArgs) throws Exception {
    Path target = Path.of(System.getProperty("basedir", "."), "target");
    Path appJar;
    try (Stream<Path> s = Files.list(target)) {
      appJar =
          s.filter(
                  p -> {
                    String name = p.getFileName().toString();
                    return name.startsWith("trimtab-app-") && name.endsWith(".jar");
                  })
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "no trimtab-app-*.jar in " + target + " (run mvn package first)"));
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Submitted.ROOT.resolve("bin/trimtab-submit").toString(),
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.trimtab.tuner.dir=" + tuningDir,
                "--conf",
                "spark.trimtab.tuner.history=none",
                appJar.toString()));
    cmd.addAll(List.of(appArgs));
    return Submitted.run(tuningDir, Map.of(), cmd, 180);
  }

  @Test
  void sparkSubmit_onAMalformedLibsvmFile_failsNamingTheLine_orSkipsAndCountsIt() throws Exception {
    Path data = Files.createTempFile("trimtab-bad", ".libsvm");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      text.append(i % 2 == 0 ? "+1" : "-1")
          .append(" 1:")
          .append(i % 2 == 0 ? "0.9" : "0.1")
          .append(" 3:0.5\n");
    }
    text.append("1 2:oops\n");
    Files.writeString(data, text);
    Path tuningDir = Files.createTempDirectory("trimtab-submit-tuning");
    Submitted failed =
        submit(tuningDir, "--data", data.toString(), "--epochs", "2", "--tuning", "off");
    assertThat(failed.done()).as("spark-submit finished; output:%n%s", failed.out()).isTrue();
    assertThat(failed.process().exitValue())
        .as("exit code for bad input; output:%n%s", failed.out())
        .isEqualTo(2);
    assertThat(failed.out())
        .contains(
            "trimtab: error: Malformed LibSVM line in file:"
                + data
                + " at byte offset "
                + (text.length() - "1 2:oops\n".length())
                + ": '1 2:oops' (value 'oops' of feature 2 is not a number)");
    Submitted skipped =
        submit(
            tuningDir,
            "--data",
            data.toString(),
            "--epochs",
            "2",
            "--tuning",
            "off",
            "--skip-malformed");
    assertThat(skipped.done()).as("spark-submit finished; output:%n%s", skipped.out()).isTrue();
    assertThat(skipped.process().exitValue()).as("exit code; output:%n%s", skipped.out()).isZero();
    assertThat(skipped.out())
        .contains(
            "data: skipped 1 malformed lines of "
                + data
                + " (kept 40); first: "
                + "Malformed LibSVM line in file:"
                + data);
    assertThat(skipped.out()).containsPattern("epoch 2/2  train loss 0\\.\\d+");
  }
}
