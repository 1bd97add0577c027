package io.trimtab.spark.train;

import io.trimtab.spark.TrimtabConf;
import io.trimtab.spark.checkpoint.Checkpoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a fit writes checkpoints (every {@code spark.trimtab.checkpoint.epochs} epochs, after the
 * last one, and when {@code spark.trimtab.checkpoint.interval} has passed) and which one it would
 * recover from. Driver-side; not thread-safe.
 */
final class Checkpointer {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

  private final Checkpoints checkpoints;
  private final Configuration hadoop;
  private final int every;
  private final Duration interval;
  private long lastWriteNanos = System.nanoTime();
  private String lastWritten;
  private int lastWrittenEpoch;
  private final List<Double> writeSeconds = new ArrayList<>();

  private Checkpointer(Checkpoints checkpoints, Configuration hadoop, TrimtabConf conf) {
    this.checkpoints = checkpoints;
    this.hadoop = hadoop;
    this.every = conf.checkpointEpochs();
    this.interval = conf.checkpointInterval();
  }

  /** Checkpoints in {@code dir} (null: {@code spark.trimtab.checkpoint.dir}, maybe none). */
  static Checkpointer of(String dir, TrimtabConf conf, Configuration hadoop) {
    String d = dir != null ? dir : conf.checkpointDir();
    return new Checkpointer(
        d == null ? null : Checkpoints.at(d, hadoop, conf.checkpointKeep()), hadoop, conf);
  }

  /** Writes the model after epoch {@code epoch} if it is due. */
  void afterEpoch(int epoch, boolean last, TrainingRun run) {
    if (checkpoints == null
        || !(epoch % every == 0
            || last
            || interval != null && System.nanoTime() - lastWriteNanos >= interval.toNanos())) {
      return;
    }
    // between epochs every worker is done: the shards' parts are one clock of the whole model
    long t0 = System.nanoTime();
    lastWritten = run.checkpoint(checkpoints, epoch);
    lastWrittenEpoch = epoch;
    lastWriteNanos = System.nanoTime();
    writeSeconds.add((lastWriteNanos - t0) / 1e9);
    LOG.info(
        String.format(
            Locale.ROOT,
            "Trimtab: checkpoint of epoch %d (clock %d) written to %s in %.3f s",
            epoch,
            run.clock(),
            lastWritten,
            (lastWriteNanos - t0) / 1e9));
  }

  /** Wall time of each checkpoint written, in order. */
  List<Double> writeSeconds() {
    return List.copyOf(writeSeconds);
  }

  /** Whether a checkpoint was written, to recover from. */
  boolean hasWritten() {
    return lastWritten != null;
  }

  /** The last checkpoint written (null if none). */
  String lastWritten() {
    return lastWritten;
  }

  int lastWrittenEpoch() {
    return lastWrittenEpoch;
  }

  /** Reads back the manifest of the last checkpoint written. */
  Checkpoints.Stored readLast() {
    return Checkpoints.read(lastWritten, hadoop);
  }
}
