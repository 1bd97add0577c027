package io.trimtab.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one command run by a test printed (standard output and error, merged), and how it ended.
 *
 * @param process the finished (or, if not {@code done}, killed) process
 * @param done whether it ended within the time given
 */
public record Submitted(Process process, boolean done, String out) {

  /**
   * The repository's root (system property {@code trimtab.root}, else {@code ..} from the module).
   */
  public static final Path ROOT =
      Path.of(System.getProperty("trimtab.root", "..")).toAbsolutePath().normalize();

  /**
   * Runs {@code command} in {@code dir} with {@code env} added to this JVM's environment and {@code
   * TRIMTAB_SKIP_BUILD=1} (the build that runs the tests has built everything) and {@link
   * TestJvms#options()} as {@code JAVA_TOOL_OPTIONS}, waiting up to {@code seconds}; a command
   * still running then is killed.
   */
  public static Submitted run(Path dir, Map<String, String> env, List<String> command, int seconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("trimtab-command", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("TRIMTAB_SKIP_BUILD", "1");
    if (!TestJvms.options().isEmpty()) {
      // every JVM of the command (spark-submit's, its executors, javac) reads this variable
      builder.environment().put("JAVA_TOOL_OPTIONS", TestJvms.options());
    }
    builder.environment().putAll(env);
    Process p = builder.start();
    boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    return new Submitted(p, done, out);
  }
}
