package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.app.Submitted;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's walkthrough, run as a newcomer runs it: its Java example is the file in {@code
 * examples/}, and every {@code bin/trimtab-submit} command of its shell blocks runs from the
 * repository's root, as written, as a separate process (its default master,
 * local-cluster[2,1,1024]: two executor JVMs). The Scala example runs in {@code NotebooksIT}, in
 * spark-shell's interpreter.
 */
class ReadmeIT {
  private static final Pattern AUC = Pattern.compile("test AUC (\\d\\.\\d+)");
  private static final Pattern RMSE =
      Pattern.compile("test: RMSE (\\d\\.\\d+)  MAE \\d\\.\\d+  rows \\d+");

  @TempDir static Path home;

  @Test
  void theJavaExampleInTheReadme_isTheExampleFile() throws Exception {
    Path example = Submitted.ROOT.resolve("examples/SpamPipeline.java");
    List<String> java =
        ReadmeBlocks.of("java").stream()
            .filter(b -> b.contains("public class SpamPipeline"))
            .toList();
    assertThat(java).as("a ```java block in README.md with the class SpamPipeline").hasSize(1);
    assertThat(java.get(0))
        .as("README.md's SpamPipeline against " + example)
        .isEqualTo(Files.readString(example));
  }

  @Test
  void everyTrimtabSubmitCommandInTheReadme_runsAndPrintsItsResult() throws Exception {
    List<String> commands =
        ReadmeBlocks.of("bash").stream()
            .flatMap(b -> b.lines())
            .map(l -> l.replaceAll("\\s+#.*$", "").strip())
            .filter(l -> l.startsWith("bin/trimtab-submit "))
            .toList();
    assertThat(commands)
        .as("bin/trimtab-submit commands in README.md's ```bash blocks")
        .anyMatch(c -> c.contains("SpamPipeline.java"))
        .anyMatch(c -> c.contains("--model fm"));
    // the commands as written; HOME elsewhere keeps the tuner's history of this run out of the
    // user's
    Map<String, String> env =
        Map.of(
            "HOME",
            home.toString(),
            "TRIMTAB_DATA",
            System.getenv()
                .getOrDefault(
                    "TRIMTAB_DATA",
                    Path.of(System.getProperty("user.home"), ".cache", "trimtab", "data")
                        .toString()));
    for (String command : commands) {
      Submitted r = Submitted.run(Submitted.ROOT, env, List.of("bash", "-c", command), 300);
      assertThat(r.done()).as("%s finished within 300 s; output:%n%s", command, r.out()).isTrue();
      assertThat(r.process().exitValue())
          .as("exit code of %s; output:%n%s", command, r.out())
          .isZero();
      assertThat(r.out()).as(command).containsPattern("epoch 1/\\d+  train loss \\d");
      if (command.contains("SpamPipeline.java")) {
        assertThat(value(AUC, r.out(), command)).as("test AUC of " + command).isGreaterThan(0.95);
        assertThat(r.out()).contains("loaded from /tmp/trimtab-spam-pipeline: log-loss");
      } else if (command.contains("--model fm")) {
        // the mean rating predicts with an RMSE of about 1.06 (ModelsIT)
        assertThat(value(RMSE, r.out(), command)).as("test RMSE of " + command).isLessThan(1.03);
      } else {
        throw new AssertionError(
            "ReadmeIT has no expectation for this README command yet: " + command);
      }
    }
  }

  private static double value(Pattern p, String out, String command) {
    Matcher m = p.matcher(out);
    assertThat(m.find()).as("%s in the output of %s:%n%s", p, command, out).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
