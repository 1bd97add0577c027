package io.trimtab.spark;

import io.trimtab.ps.ClientOptions;
import java.time.Duration;
import java.util.List;
import org.apache.spark.SparkConf;

/**
 * Trimtab's Spark settings, all under {@code spark.trimtab.*}: the one place where keys, units and
 * defaults are defined. README.md's configuration table is checked against {@link #KEYS} by a test.
 */
public final class TrimtabConf {

  /** One setting: key, default (as Spark would parse it) and meaning with unit. */
  public record Key(String name, String defaultValue, String doc) {}

  public static final Key SHARD_PORT =
      new Key(
          "spark.trimtab.shard.port",
          "0",
          "TCP port of each executor's shard server (0: any free port)");
  public static final Key SHARD_IO_THREADS =
      new Key("spark.trimtab.shard.ioThreads", "2", "Netty I/O threads of each shard server");
  public static final Key CLIENT_IO_THREADS =
      new Key(
          "spark.trimtab.client.ioThreads", "2", "Netty I/O threads of the PS client in each JVM");
  public static final Key CONNECT_TIMEOUT =
      new Key(
          "spark.trimtab.client.connectTimeout", "10s", "time to open a TCP connection to a shard");
  public static final Key REQUEST_TIMEOUT =
      new Key(
          "spark.trimtab.client.requestTimeout",
          "120s",
          "time a pull or push waits for its answer, including a pull's wait for the other workers' clock");
  public static final Key REGISTRATION_TIMEOUT =
      new Key(
          "spark.trimtab.registrationTimeout",
          "60s",
          "time the driver waits for every executor's shard to register");

  public static final Key TUNING =
      new Key(
          "spark.trimtab.tuning",
          "auto",
          "knobs the tuner may switch between epochs: auto (all), off, or a comma list of staleness, aggregation, shards, "
              + "partitioner, workers");
  public static final Key TUNER_TARGET_LOSS =
      new Key(
          "spark.trimtab.tuner.targetLoss",
          "none",
          "training loss at which a job is done and stops (none: run every epoch; the tuner then aims at convergence)");
  public static final Key TUNER_CONVERGENCE =
      new Key(
          "spark.trimtab.tuner.convergence",
          "0.001",
          "without a target loss, converged means a relative loss improvement below this over one epoch");
  public static final Key TUNER_TRIAL_EPOCHS =
      new Key(
          "spark.trimtab.tuner.trialEpochs",
          "1",
          "epochs a trial of a setting lasts at least (more if that is fewer than 5 clocks)");
  public static final Key TUNER_MAX_TRIALS =
      new Key(
          "spark.trimtab.tuner.maxTrials",
          "8",
          "settings tried at most per job, the first included");
  public static final Key TUNER_GUARD =
      new Key(
          "spark.trimtab.tuner.guard",
          "0.1",
          "exploration stops once the job is this fraction of the first setting's predicted total time behind it");
  public static final Key TUNER_DRIFT =
      new Key(
          "spark.trimtab.tuner.drift",
          "0.3",
          "relative change of iteration time or progress per iteration, 2 epochs running, that makes the tuner re-tune");
  public static final Key TUNER_DIR =
      new Key(
          "spark.trimtab.tuner.dir",
          "trimtab-tuning",
          "directory (driver-local) under which each tuned fit writes APP_ID/JOB/decisions.jsonl and tuning-report.html");
  public static final Key TUNER_HISTORY =
      new Key(
          "spark.trimtab.tuner.history",
          "~/.trimtab/history",
          "directory (driver-local) of finished jobs' observations, to warm-start similar jobs (none: no history)");

  public static final Key CHECKPOINT_DIR =
      new Key(
          "spark.trimtab.checkpoint.dir",
          "none",
          "directory on any Hadoop file system (file:, hdfs:, ...) where training writes checkpoints of the model "
              + "(weights, optimizer state, clock) as epoch-NNNNNN directories, one per checkpoint, written by the "
              + "shards; one directory per model, on a file system every executor sees (none: no checkpoints)");
  public static final Key CHECKPOINT_EPOCHS =
      new Key("spark.trimtab.checkpoint.epochs", "1", "epochs between checkpoints");
  public static final Key CHECKPOINT_INTERVAL =
      new Key(
          "spark.trimtab.checkpoint.interval",
          "none",
          "also checkpoint after an epoch once this much time has passed since the last checkpoint, e.g. 10min (none: "
              + "by epochs only)");
  public static final Key CHECKPOINT_KEEP =
      new Key(
          "spark.trimtab.checkpoint.keep",
          "2",
          "checkpoints kept in the directory (older ones are deleted after a new one is written)");

  /** Every key, in README order. */
  public static final List<Key> KEYS =
      List.of(
          SHARD_PORT,
          SHARD_IO_THREADS,
          CLIENT_IO_THREADS,
          CONNECT_TIMEOUT,
          REQUEST_TIMEOUT,
          REGISTRATION_TIMEOUT,
          TUNING,
          TUNER_TARGET_LOSS,
          TUNER_CONVERGENCE,
          TUNER_TRIAL_EPOCHS,
          TUNER_MAX_TRIALS,
          TUNER_GUARD,
          TUNER_DRIFT,
          TUNER_DIR,
          TUNER_HISTORY,
          CHECKPOINT_DIR,
          CHECKPOINT_EPOCHS,
          CHECKPOINT_INTERVAL,
          CHECKPOINT_KEEP);

  /** Class name to list in {@code spark.plugins}. */
  public static final String PLUGIN_CLASS = "io.trimtab.spark.plugin.TrimtabPlugin";

  private final SparkConf conf;

  public TrimtabConf(SparkConf conf) {
    this.conf = conf;
  }

  public int shardPort() {
    return intValue(SHARD_PORT, 0, 65535);
  }

  public int shardIoThreads() {
    return intValue(SHARD_IO_THREADS, 1, 1024);
  }

  public Duration registrationTimeout() {
    return duration(REGISTRATION_TIMEOUT);
  }

  /** Client options from {@code spark.trimtab.client.*}. */
  public ClientOptions clientOptions() {
    return new ClientOptions(
        intValue(CLIENT_IO_THREADS, 1, 1024), duration(CONNECT_TIMEOUT), duration(REQUEST_TIMEOUT));
  }

  /** Raw value of {@link #TUNING} (auto, off or a knob list), parsed by the trainer. */
  public String tuning() {
    return conf.get(TUNING.name(), TUNING.defaultValue()).trim();
  }

  /** The target loss, or NaN for none. */
  public double targetLoss() {
    String raw = conf.get(TUNER_TARGET_LOSS.name(), TUNER_TARGET_LOSS.defaultValue()).trim();
    return raw.equalsIgnoreCase("none") || raw.isEmpty()
        ? Double.NaN
        : doubleValue(TUNER_TARGET_LOSS, raw, Double.MIN_VALUE, Double.MAX_VALUE);
  }

  public double convergence() {
    return doubleValue(
        TUNER_CONVERGENCE,
        conf.get(TUNER_CONVERGENCE.name(), TUNER_CONVERGENCE.defaultValue()).trim(),
        1e-12,
        0.5);
  }

  public int trialEpochs() {
    return intValue(TUNER_TRIAL_EPOCHS, 1, 1000);
  }

  public int maxTrials() {
    return intValue(TUNER_MAX_TRIALS, 1, 1000);
  }

  public double guard() {
    return doubleValue(
        TUNER_GUARD, conf.get(TUNER_GUARD.name(), TUNER_GUARD.defaultValue()).trim(), 0, 1);
  }

  public double drift() {
    return doubleValue(
        TUNER_DRIFT, conf.get(TUNER_DRIFT.name(), TUNER_DRIFT.defaultValue()).trim(), 1e-6, 100);
  }

  /** Where tuned jobs write their decision log and report. */
  public java.nio.file.Path tunerDir() {
    return path(conf.get(TUNER_DIR.name(), TUNER_DIR.defaultValue()).trim());
  }

  /** Where finished jobs' observations are kept, or null for none. */
  public java.nio.file.Path tunerHistory() {
    String raw = conf.get(TUNER_HISTORY.name(), TUNER_HISTORY.defaultValue()).trim();
    return raw.equalsIgnoreCase("none") || raw.isEmpty() ? null : path(raw);
  }

  /** Where checkpoints go (a Hadoop path URI), or null for none. */
  public String checkpointDir() {
    String raw = conf.get(CHECKPOINT_DIR.name(), CHECKPOINT_DIR.defaultValue()).trim();
    return raw.equalsIgnoreCase("none") || raw.isEmpty() ? null : raw;
  }

  public int checkpointEpochs() {
    return intValue(CHECKPOINT_EPOCHS, 1, 1_000_000);
  }

  /** Time between checkpoints, or null to checkpoint by epochs only. */
  public Duration checkpointInterval() {
    String raw = conf.get(CHECKPOINT_INTERVAL.name(), CHECKPOINT_INTERVAL.defaultValue()).trim();
    return raw.equalsIgnoreCase("none") || raw.isEmpty() ? null : duration(CHECKPOINT_INTERVAL);
  }

  public int checkpointKeep() {
    return intValue(CHECKPOINT_KEEP, 1, 1000);
  }

  private static java.nio.file.Path path(String raw) {
    return raw.startsWith("~/")
        ? java.nio.file.Path.of(System.getProperty("user.home"), raw.substring(2))
        : java.nio.file.Path.of(raw);
  }

  private static double doubleValue(Key key, String raw, double min, double max) {
    double v;
    try {
      v = Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid "
              + key.name()
              + ": '"
              + raw
              + "' (expected a number "
              + min
              + " .. "
              + max
              + ")");
    }
    if (!(v >= min && v <= max)) {
      throw new IllegalArgumentException(
          "Invalid " + key.name() + ": " + v + " (expected " + min + " .. " + max + ")");
    }
    return v;
  }

  private int intValue(Key key, int min, int max) {
    String raw = conf.get(key.name(), key.defaultValue()).trim();
    int v;
    try {
      v = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid "
              + key.name()
              + ": '"
              + raw
              + "' (expected an integer "
              + min
              + " .. "
              + max
              + ")");
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          "Invalid " + key.name() + ": " + v + " (expected " + min + " .. " + max + ")");
    }
    return v;
  }

  private Duration duration(Key key) {
    String raw = conf.get(key.name(), key.defaultValue()).trim();
    long ms;
    try {
      ms = org.apache.spark.network.util.JavaUtils.timeStringAsMs(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid " + key.name() + ": '" + raw + "' (expected a duration such as 30s or 500ms)");
    }
    if (ms <= 0) {
      throw new IllegalArgumentException(
          "Invalid " + key.name() + ": '" + raw + "' (expected a duration > 0)");
    }
    return Duration.ofMillis(ms);
  }
}
