package io.trimtab.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model several times the driver's heap, end to end, with the driver capped so that gathering it
 * would fail: the spark-submit application (a separate driver JVM of 512 MiB) trains logistic
 * regression over 2^34 hashed features (a LibSVM file whose indices pass a Spark ML vector's 2^31,
 * read as 64-bit indices; as dense weights 128 GiB) on a local cluster of two executors, whose
 * shards hold the keys the data touch, checkpointing every epoch; an executor is killed with
 * SIGKILL mid-run and the fit recovers from the last checkpoint (the shards read their parts); the
 * shard count is switched live (the shards move the model between them); the shards save the model.
 * A second application loads it (its shards read the parts) and scores the held-out rows alike.
 * Nothing of it passes through the driver, whose whole heap is a 256th of the model's weights.
 * (Gathered into the driver, such a model is refused before training: {@code LocalClusterIT}'s
 * bad-input test.)
 */
class BigModelIT {
  private static final long FEATURES = 1L << 34;
  private static final Pattern EXECUTOR = Pattern.compile("(\\d+)@\\S+ pid (\\d+)");

  @TempDir Path dir;

  @Test
  void aModelSeveralTimesTheDriversHeap_trainsRecoversSwitchesSavesAndServes_neverInTheDriver()
      throws Exception {
    Path data = writeClicks(dir.resolve("clicks.libsvm"), 20_000, 7);
    String ck = dir.resolve("ck").toUri().toString();
    String saved = dir.resolve("model").toUri().toString();
    List<String> common =
        List.of(
            "--data", data.toString(), "--num-features", Long.toString(FEATURES), "--seed", "3");

    AtomicLong killed = new AtomicLong(-1);
    List<Long> executors = new ArrayList<>();
    Submitted trained =
        submit(
            common,
            List.of(
                "--epochs", "8",
                "--batches", "5",
                "--checkpoint-dir", ck,
                "--switch-shards", "7:1",
                "--save-model", saved),
            line -> {
              Matcher m = EXECUTOR.matcher(line);
              while (line.startsWith("trimtab: ") && m.find()) {
                executors.add(Long.parseLong(m.group(2)));
              }
              // once epoch 2's checkpoint is complete, so that there is one to recover from
              if (line.contains("checkpoint of epoch 2 ")
                  && killed.get() < 0
                  && !executors.isEmpty()) {
                long pid = executors.get(executors.size() - 1);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                killed.set(pid);
              }
            });
    String out = trained.out();
    report("trained", out);
    assertThat(trained.done()).as("finished in time; output:%n%s", out).isTrue();
    assertThat(trained.process().exitValue()).as("exit code; output:%n%s", out).isZero();
    assertThat(killed.get()).as("an executor was killed; output:%n%s", out).isPositive();
    // the kill lands in epoch 3 or later, the recovery before the switch
    assertThat(out)
        .containsPattern(
            "Recovered in [0-9.]+ s: the model of epoch [2-5] \\(clock \\d+\\) from \\S+/ck/epoch-00000[2-5]"
                + " on 2 shards \\(1 new");
    assertThat(out).containsPattern("epoch 6/8 .*/2sh/");
    assertThat(out).containsPattern("epoch 7/8 .*/1sh/.*switched in");
    assertThat(out).contains("model: kept on the parameter server's shards (17179869184 features)");
    String test = line(out, "test: ");
    assertThat(test).containsPattern("test: log-loss 0\\.\\d+  AUC 0\\.\\d+");
    assertThat(auc(test)).as("held-out AUC of the planted model").isGreaterThan(0.7);
    assertThat(Files.exists(dir.resolve("model/table/_manifest"))).isTrue();
    try (Stream<Path> s = Files.list(dir.resolve("ck"))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("epoch-000007", "epoch-000008");
    }
    assertDriverSmallerThanTheWeights(out);

    // a new application: its shards read the saved parts; the same held-out scores
    Submitted served = submit(common, List.of("--load-model", saved), line -> {});
    String again = served.out();
    report("loaded", again);
    assertThat(served.process().exitValue()).as("exit code; output:%n%s", again).isZero();
    assertThat(again)
        .contains(
            "model: kept on the parameter server's shards (17179869184 features), loaded from "
                + saved);
    assertThat(line(again, "test: ")).isEqualTo(test);
    assertDriverSmallerThanTheWeights(again);
  }

  /** Prints the application's summary lines, for the figures in the test's log. */
  private static void report(String what, String out) {
    System.out.println("BigModelIT " + what + ":");
    out.lines()
        .filter(
            l ->
                l.startsWith("epoch ")
                    || l.startsWith("test: ")
                    || l.startsWith("model: ")
                    || l.startsWith("driver: ")
                    || l.startsWith("data: ")
                    || l.contains("Recovered in"))
        .forEach(l -> System.out.println("  " + l));
  }

  /** The driver's maximum heap is below 1 GiB, a 128th of the model's weights as an array. */
  private static void assertDriverSmallerThanTheWeights(String out) {
    Matcher m = Pattern.compile("driver: heap peak at most (\\d+) MiB of (\\d+) MiB").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Long.parseLong(m.group(2))).isLessThan(1024);
  }

  private static String line(String out, String prefix) {
    return out.lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line '" + prefix + "...' in:\n" + out));
  }

  private static double auc(String testLine) {
    Matcher m = Pattern.compile("AUC (0\\.\\d+)").matcher(testLine);
    assertThat(m.find()).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private Submitted submit(
      List<String> common, List<String> args, java.util.function.Consumer<String> watch)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Submitted.ROOT.resolve("bin/trimtab-submit").toString(),
                "--driver-memory",
                "512m",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.trimtab.tuner.history=none",
                appJar().toString()));
    cmd.addAll(common);
    cmd.addAll(args);
    cmd.addAll(List.of("--tuning", "off"));
    return Submitted.run(dir, Map.of(), cmd, 240, watch);
  }

  private static Path appJar() throws Exception {
    Path target = Path.of(System.getProperty("basedir", "."), "target");
    try (Stream<Path> s = Files.list(target)) {
      return s.filter(
              p -> {
                String name = p.getFileName().toString();
                return name.startsWith("trimtab-app-") && name.endsWith(".jar");
              })
          .findFirst()
          .orElseThrow(() -> new AssertionError("no trimtab-app-*.jar in " + target));
    }
  }

  /**
   * Click-like rows in LibSVM form: 10 features a row drawn from 100k with Zipf (s = 1.1)
   * frequencies, each spread over the 2^34 hashed space (rank times an odd constant, modulo 2^34:
   * distinct ranks, distinct features), labels drawn from a planted model on the 2,000 most
   * frequent features.
   */
  static Path writeClicks(Path file, int rows, long seed) throws Exception {
    int ranks = 100_000;
    double[] cdf = new double[ranks];
    double sum = 0;
    for (int r = 0; r < ranks; r++) {
      sum += Math.pow(r + 1, -1.1);
      cdf[r] = sum;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      long[] idx = new long[10];
      for (int i = 0; i < rows; i++) {
        double margin = -0.5;
        for (int j = 0; j < idx.length; j++) {
          int r = Arrays.binarySearch(cdf, rnd.nextDouble() * sum);
          r = r < 0 ? -r - 1 : r;
          margin += r < 2000 ? (r % 3 == 0 ? 1.2 : r % 3 == 1 ? -1.2 : 0) : 0;
          idx[j] = (r * 2654435761L) & (FEATURES - 1);
        }
        Arrays.sort(idx);
        int label = rnd.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1 : 0;
        StringBuilder line = new StringBuilder().append(label);
        for (int j = 0; j < idx.length; j++) {
          if (j == 0 || idx[j] != idx[j - 1]) {
            line.append(' ').append(idx[j] + 1).append(":1");
          }
        }
        w.write(line.append('\n').toString());
      }
    }
    return file;
  }
}
