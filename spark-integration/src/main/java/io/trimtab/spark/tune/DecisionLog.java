package io.trimtab.spark.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trimtab.tuner.Candidate;
import io.trimtab.tuner.Decision;
import io.trimtab.tuner.EpochObservation;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tuner's decision log: one JSON object per line and per decision, with the observation it was
 * made on, the candidates weighed (with their predicted remaining time), the decision and its
 * reason. Flushed after every line, so a running job's log can be followed with {@code tail -f}.
 *
 * <p>Lines are made and written on a thread of their own: between two epochs the driver waits for
 * the tuner's decision, and the JSON (with Jackson's start-up in a fresh driver JVM) would add to
 * that wait. A write that fails is reported by the next write or by {@link #close}, which waits for
 * every line. Driver-side; one thread writes at a time.
 */
public final class DecisionLog implements AutoCloseable {
  private final Path file;
  private BufferedWriter out;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "trimtab-decision-log");
            t.setDaemon(true);
            return t;
          });
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private ObjectMapper json;

  /**
   * A log to {@code file}, created (or truncated), with its directory, by the first write: a file
   * that cannot be written is reported by the write after, or by {@link #close}.
   */
  public DecisionLog(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /**
   * Appends one decision.
   *
   * @param observation the epoch the decision was made after, or null for the first decision
   * @param elapsedSeconds job time so far (epochs and switches)
   */
  public void write(EpochObservation observation, Decision decision, double elapsedSeconds) {
    RuntimeException failed = failure.get();
    if (failed != null) {
      throw failed;
    }
    writer.execute(
        () -> {
          try {
            writeNow(observation, decision, elapsedSeconds);
          } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
          }
        });
  }

  private void writeNow(EpochObservation observation, Decision decision, double elapsedSeconds) {
    if (json == null) {
      try {
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot write the tuner's decision log " + file.toAbsolutePath() + ": " + e, e);
      }
      json = new ObjectMapper();
    }
    ObjectNode line = json.createObjectNode();
    if (observation == null) {
      line.putNull("observation");
    } else {
      ObjectNode o = line.putObject("observation");
      o.put("epoch", observation.epoch());
      o.put("setting", observation.setting().toString());
      o.put("seconds", observation.seconds());
      o.put("switchSeconds", observation.switchSeconds());
      o.put("iterations", observation.iterations());
      o.put("secondsPerIteration", observation.secondsPerIteration());
      o.put("meanLoss", observation.meanLoss());
      o.put("lastLoss", observation.clockLosses()[observation.iterations() - 1]);
    }
    line.put("elapsedSeconds", elapsedSeconds);
    line.put("currentLoss", decision.currentLoss());
    ArrayNode cands = line.putArray("candidates");
    for (Candidate c : decision.candidates()) {
      ObjectNode n = cands.addObject();
      n.put("setting", c.setting().toString());
      n.put("predictedSeconds", c.predictedSeconds());
      n.put("source", c.source().label());
      n.put("expectedImprovement", c.expectedImprovement());
    }
    ObjectNode d = line.putObject("decision");
    d.put("epoch", decision.epoch());
    d.put("setting", decision.setting().toString());
    d.put("action", decision.action().name());
    d.put("etaSeconds", decision.etaSeconds());
    line.put("reason", decision.reason());
    line.put("tunerSeconds", decision.tunerSeconds());
    try {
      out.write(json.writeValueAsString(line));
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the tuner's decision log " + file.toAbsolutePath() + ": " + e, e);
    }
  }

  /** Waits for every line, then closes the file; throws if a write failed. Idempotent. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            "The tuner's decision log " + file.toAbsolutePath() + " was not written in a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while writing the tuner's decision log " + file.toAbsolutePath(), e);
    }
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot close the tuner's decision log " + file.toAbsolutePath() + ": " + e, e);
    }
    RuntimeException failed = failure.get();
    if (failed != null) {
      throw failed;
    }
  }
}
