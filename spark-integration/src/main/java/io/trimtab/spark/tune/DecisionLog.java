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

/**
 * The tuner's decision log: one JSON object per line and per decision, with the observation it was
 * made on, the candidates weighed (with their predicted remaining time), the decision and its
 * reason. Flushed after every line, so a running job's log can be followed with {@code tail -f}.
 * Driver-side; not thread-safe.
 */
public final class DecisionLog implements AutoCloseable {
  private final ObjectMapper json = new ObjectMapper();
  private final Path file;
  private final BufferedWriter out;

  /** Creates (or truncates) {@code file}, creating its directory. */
  public DecisionLog(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the tuner's decision log " + file.toAbsolutePath() + ": " + e, e);
    }
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

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot close the tuner's decision log " + file.toAbsolutePath() + ": " + e, e);
    }
  }
}
