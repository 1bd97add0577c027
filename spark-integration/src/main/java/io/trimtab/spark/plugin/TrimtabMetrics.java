package io.trimtab.spark.plugin;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.trimtab.ps.server.ShardMetrics;
import java.util.concurrent.TimeUnit;

/**
 * Trimtab's metrics, registered through the plugin's metric registry so that Spark's metrics sinks
 * (console, CSV, JMX, Prometheus servlet, Graphite, ...) export them under the source {@code
 * plugin.io.trimtab.spark.plugin.TrimtabPlugin}.
 *
 * <p>Executors: the shard's counters ({@code shard.pulls}, {@code shard.pushes}, {@code
 * shard.keysPulled}, {@code shard.keysPushed}, {@code shard.bytesIn}, {@code shard.bytesOut},
 * {@code shard.waitedPulls}: pulls that waited for other workers' clocks, {@code
 * shard.waitSeconds}: their summed wait), and the workers' view ({@code worker.pull}: a timer of
 * pull latency as tasks see it, waits included, with rates; {@code worker.push}: a meter of pushes
 * sent, with rates per second).
 *
 * <p>Driver: the latest epoch of the fit running in this application ({@code training.epoch},
 * {@code training.loss}, {@code training.epochSeconds}, {@code training.examplesPerSecond}), the
 * tuner's view ({@code tuner.etaSeconds}: predicted seconds to the target, NaN before it knows;
 * {@code tuner.setting}: the setting of the latest epoch, a string; {@code tuner.ownSeconds}: the
 * tuner's own time so far in this fit).
 *
 * <p>Thread-safe: updated from task threads and the driver's fit thread.
 */
public final class TrimtabMetrics {
  private static final Timer PULLS = new Timer();
  private static final Meter PUSHES = new Meter();
  private static volatile Epoch latest =
      new Epoch(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "none", 0);

  /** The driver's view of the latest epoch (a snapshot, so the gauges read one epoch's values). */
  private record Epoch(
      int epoch,
      double loss,
      double seconds,
      double examplesPerSecond,
      double eta,
      String setting,
      double tunerSeconds) {}

  private TrimtabMetrics() {}

  /**
   * A worker's pull took {@code nanos}, from request to values (waits for other workers included).
   */
  public static void pulled(long nanos) {
    PULLS.update(nanos, TimeUnit.NANOSECONDS);
  }

  /** A worker sent a push. */
  public static void pushed() {
    PUSHES.mark();
  }

  /** The driver finished an epoch (called by the fit loop, once per epoch). */
  public static void epoch(
      int epoch,
      double loss,
      double seconds,
      double examplesPerSecond,
      double etaSeconds,
      String setting,
      double tunerSecondsSoFar) {
    latest =
        new Epoch(epoch, loss, seconds, examplesPerSecond, etaSeconds, setting, tunerSecondsSoFar);
  }

  static void registerExecutor(MetricRegistry registry, ShardMetrics shard) {
    registry.register("shard.pulls", (Gauge<Long>) shard::pulls);
    registry.register("shard.pushes", (Gauge<Long>) shard::pushes);
    registry.register("shard.keysPulled", (Gauge<Long>) shard::keysPulled);
    registry.register("shard.keysPushed", (Gauge<Long>) shard::keysPushed);
    registry.register("shard.bytesIn", (Gauge<Long>) shard::bytesIn);
    registry.register("shard.bytesOut", (Gauge<Long>) shard::bytesOut);
    registry.register("shard.waitedPulls", (Gauge<Long>) shard::waitedPulls);
    registry.register("shard.waitSeconds", (Gauge<Double>) shard::waitSeconds);
    registry.register("worker.pull", PULLS);
    registry.register("worker.push", PUSHES);
  }

  static void registerDriver(MetricRegistry registry) {
    registry.register("training.epoch", (Gauge<Integer>) () -> latest.epoch());
    registry.register("training.loss", (Gauge<Double>) () -> latest.loss());
    registry.register("training.epochSeconds", (Gauge<Double>) () -> latest.seconds());
    registry.register(
        "training.examplesPerSecond", (Gauge<Double>) () -> latest.examplesPerSecond());
    registry.register("tuner.etaSeconds", (Gauge<Double>) () -> latest.eta());
    registry.register("tuner.setting", (Gauge<String>) () -> latest.setting());
    registry.register("tuner.ownSeconds", (Gauge<Double>) () -> latest.tunerSeconds());
  }
}
