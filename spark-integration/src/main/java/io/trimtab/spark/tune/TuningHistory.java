package io.trimtab.spark.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trimtab.tuner.PriorObservation;
import io.trimtab.tuner.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A small store of finished jobs' tuning observations, one JSON file per job key (model, data
 * shape, cluster shape) under a directory, so that a daily retraining job starts from what
 * yesterday's learned. Keeps the last {@value #JOBS_KEPT} jobs per key. Files are replaced
 * atomically. Driver-side; not thread-safe.
 */
public final class TuningHistory {
  static final int JOBS_KEPT = 5;
  private final ObjectMapper json = new ObjectMapper();
  private final Path dir;

  public TuningHistory(Path dir) {
    this.dir = dir;
  }

  /**
   * The key of a job: what makes two jobs similar enough to share tuning observations. Rows are
   * bucketed by powers of two, so daily data that grows a little stays under one key.
   */
  public static String key(
      String model, long features, long rows, int executors, int taskSlots, int batches) {
    int rowBucket = 63 - Long.numberOfLeadingZeros(Math.max(1, rows));
    return String.format(
        "%s-d%d-r2e%d-x%d-s%d-b%d", model, features, rowBucket, executors, taskSlots, batches);
  }

  public Path file(String key) {
    return dir.resolve(key.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
  }

  /** Every observation kept under {@code key} (empty if none). */
  public List<PriorObservation> load(String key) {
    Path f = file(key);
    if (!Files.exists(f)) {
      return List.of();
    }
    List<PriorObservation> out = new ArrayList<>();
    try {
      JsonNode root = json.readTree(Files.readString(f, StandardCharsets.UTF_8));
      for (JsonNode job : root.path("jobs")) {
        for (JsonNode o : job.path("observations")) {
          out.add(
              new PriorObservation(
                  Setting.parse(o.path("setting").asText()),
                  o.path("lossLevel").asDouble(),
                  o.path("relativeScore").asDouble(),
                  o.path("secondsPerIteration").asDouble()));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "Unreadable tuning history "
              + f.toAbsolutePath()
              + ": "
              + e.getMessage()
              + " (delete it or set spark.trimtab.tuner.history=none)",
          e);
    }
    return out;
  }

  /**
   * Adds one finished job's observations under {@code key}, dropping the oldest beyond {@value
   * #JOBS_KEPT}.
   */
  public void save(String key, List<PriorObservation> observations) {
    Path f = file(key);
    try {
      Files.createDirectories(dir);
      ArrayNode jobs = json.createArrayNode();
      if (Files.exists(f)) {
        JsonNode old = json.readTree(Files.readString(f, StandardCharsets.UTF_8)).path("jobs");
        for (int i = Math.max(0, old.size() - (JOBS_KEPT - 1)); i < old.size(); i++) {
          jobs.add(old.get(i));
        }
      }
      ObjectNode job = jobs.addObject();
      job.put("finished", Instant.now().toString());
      ArrayNode obs = job.putArray("observations");
      for (PriorObservation p : observations) {
        ObjectNode o = obs.addObject();
        o.put("setting", p.setting().toString());
        o.put("lossLevel", p.lossLevel());
        o.put("relativeScore", p.relativeScore());
        o.put("secondsPerIteration", p.secondsPerIteration());
      }
      ObjectNode root = json.createObjectNode();
      root.put("key", key);
      root.set("jobs", jobs);
      Path tmp = Files.createTempFile(dir, ".history", ".tmp");
      Files.writeString(
          tmp,
          json.writerWithDefaultPrettyPrinter().writeValueAsString(root),
          StandardCharsets.UTF_8);
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the tuning history " + f.toAbsolutePath() + ": " + e, e);
    }
  }
}
