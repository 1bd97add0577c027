package io.trimtab.app;

import io.trimtab.spark.ml.PsModel;
import io.trimtab.spark.tune.TuningResult;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/** The application's one-line summaries: the tuning, where the model lives, the driver's heap. */
public final class Summaries {
  private Summaries() {}

  static String tuning(TuningResult t) {
    return String.format(
        Locale.ROOT,
        "tuning: %d settings tried, %d re-tunes, final %s, tuner's own cost %.3f s (%.2f%% of %.1f s); "
            + "decision log %s; report %s",
        t.settingsTried(),
        t.retunes(),
        t.finalSetting(),
        t.tunerSeconds() + t.instrumentationSeconds(),
        100 * t.overhead(),
        t.wallSeconds(),
        t.decisionLog(),
        t.report());
  }

  /** Where the model lives. */
  static String placed(PsModel<?> m) {
    return "model: "
        + (m.onShards() ? "kept on the parameter server's shards" : "gathered into the driver")
        + " ("
        + m.numFeatures()
        + " features)";
  }

  /**
   * The sum of the heap pools' peak usage (an upper bound of the peak heap: the pools peak at
   * different times) and the maximum heap.
   */
  public static String driverHeap() {
    return String.format(
        Locale.ROOT,
        "driver: heap peak at most %.0f MiB of %.0f MiB",
        heapPeakBytes() / 1048576.0,
        Runtime.getRuntime().maxMemory() / 1048576.0);
  }

  /** The sum of this JVM's heap pools' peak usage, in bytes: an upper bound of its peak heap. */
  public static long heapPeakBytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
