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
    return run(dir, env, command, seconds, line -> {});
  }

  /**
   * As {@link #run(Path, Map, List, int)}, handing each line of output to {@code watch} as it
   * appears (within a fifth of a second), so that a test can act on the running command.
   */
  public static Submitted run(
      Path dir,
      Map<String, String> env,
      List<String> command,
      int seconds,
      java.util.function.Consumer<String> watch)
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    boolean done = false;
    int seen = 0;
    while (!done && System.nanoTime() < deadline) {
      done = p.waitFor(200, TimeUnit.MILLISECONDS);
      // decoded leniently: a line cut in the middle of a character is read again, whole, next time
      List<String> lines =
          List.of(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n", -1));
      // the last line may still be written: hand it over once the next one starts
      int complete = Math.max(seen, lines.size() - 1);
      for (int i = seen; i < complete; i++) {
        watch.accept(lines.get(i));
      }
      seen = complete;
    }
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
