package io.trimtab.spark;

import io.trimtab.app.LocalCluster;
import io.trimtab.app.TestJvms;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster of separate JVMs on loopback: a Master and one Worker per host given
 * (each its own loopback address, 127.0.0.1, 127.0.0.2, ..., so that Spark sees distinct hosts, as
 * speculation needs), started with this JVM's class path, as ../shared/NOTES.md describes. The
 * workers launch executors as further JVMs. Closing it kills every process it started.
 */
final class StandaloneCluster implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final String masterUrl;
  private final Path logs;

  private StandaloneCluster(String masterUrl, Path logs) {
    this.masterUrl = masterUrl;
    this.logs = logs;
  }

  /**
   * Starts a Master on 127.0.0.1 and a Worker with {@code cores} cores on each of {@code hosts};
   * returns once the Master reports every Worker alive.
   */
  static StandaloneCluster start(List<String> hosts, int cores)
      throws IOException, InterruptedException {
    Path logs =
        Files.createDirectories(
            Path.of(
                "target", "standalone-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
    int port = freePort();
    int ui = freePort();
    StandaloneCluster c = new StandaloneCluster("spark://127.0.0.1:" + port, logs);
    try {
      c.launch(
          "master",
          "127.0.0.1",
          List.of(
              "org.apache.spark.deploy.master.Master",
              "--host",
              "127.0.0.1",
              "--port",
              String.valueOf(port),
              "--webui-port",
              String.valueOf(ui)));
      for (int i = 0; i < hosts.size(); i++) {
        Path work = Files.createDirectories(logs.resolve("work-" + i));
        c.launch(
            "worker-" + i,
            hosts.get(i),
            List.of(
                "org.apache.spark.deploy.worker.Worker",
                c.masterUrl,
                "--host",
                hosts.get(i),
                "--cores",
                String.valueOf(cores),
                "--memory",
                "1g",
                "--webui-port",
                String.valueOf(freePort()),
                "--work-dir",
                work.toString()));
      }
      c.awaitWorkers(ui, hosts.size(), Duration.ofSeconds(90));
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  String masterUrl() {
    return masterUrl;
  }

  /** The process of every executor JVM the workers launched (children of the worker JVMs). */
  List<ProcessHandle> executors() {
    return processes.stream()
        .skip(1)
        .flatMap(p -> p.toHandle().children())
        .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
        .toList();
  }

  private void launch(String name, String host, List<String> mainAndArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports"))
        .forEach(cmd::add);
    cmd.addAll(TestJvms.optionList());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(LocalCluster.currentClassPath());
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve(name + ".log").toFile());
    // executors a worker launches bind to its host
    pb.environment().put("SPARK_LOCAL_IP", host);
    processes.add(pb.start());
  }

  private void awaitWorkers(int uiPort, int workers, Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "A standalone cluster process exited with "
                  + p.exitValue()
                  + " before the cluster was up (logs in "
                  + logs
                  + ")");
        }
      }
      try {
        String body =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/json/"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = alive.matcher(body);
        if (m.find() && Integer.parseInt(m.group(1)) >= workers) {
          return;
        }
        last = m.find(0) ? m.group(1) + " alive workers" : body;
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "The standalone Master did not report "
            + workers
            + " alive workers within "
            + timeout.toSeconds()
            + " s (last: "
            + last
            + "; logs in "
            + logs
            + ")");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
