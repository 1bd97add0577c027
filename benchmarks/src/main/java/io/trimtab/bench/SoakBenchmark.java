package io.trimtab.bench;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.ps.ShardInfo;
import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.tune.SettingSchedule;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Reliability issue's soak: fits of sparse logistic regression on SpamAssassin, one after the
 * other for {@code minutes}, each switching its setting every few epochs (staleness bound,
 * aggregation, shard count, partitioner and worker count in turn: tables move between shards, data
 * is re-cut), on local-cluster. Every minute it samples, after a full GC, the driver's and every
 * executor's heap in use, live threads and open file descriptors (sockets included), and the tables
 * each shard holds (0 between fits: none leaked). Prints one row per sample and the change from the
 * first sample (after a warm-up minute) to the last. A benchmark: it asserts nothing.
 *
 * <p>Usage: {@code benchmarks/run-soak [minutes=30] [master=local-cluster[2,2,2048]] [out=dir]}.
 */
public final class SoakBenchmark {
  private SoakBenchmark() {}

  public static void main(String[] args) throws IOException {
    SoakOptions opt = Cli.parseOrExit(new SoakOptions(), args);
    double minutes = opt.minutes;
    Path out = opt.out;
    Files.createDirectories(out);
    SparkSession spark = BenchSession.start(opt.master, "trimtab-soak");
    try {
      ParameterServer ps = Trimtab.parameterServer(spark);
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Dataset<Row> data = BuiltinDatasets.load(spark, BuiltinDatasets.SPAM).cache();
      long rows = data.count();
      int slots = ps.taskSlots();
      int shards = ps.numShards();
      // a setting per 3 epochs, cycling: every knob changes at some point, layouts and worker
      // counts included
      List<Setting> cycle =
          List.of(
              new Setting(
                  StalenessBound.bsp(), Aggregation.DIRECT, shards, PartitionerKind.HASH, slots),
              new Setting(
                  StalenessBound.ssp(1), Aggregation.DIRECT, shards, PartitionerKind.HASH, slots),
              new Setting(
                  StalenessBound.asp(), Aggregation.DIRECT, 1, PartitionerKind.RANGE, slots),
              new Setting(
                  StalenessBound.bsp(),
                  Aggregation.EXECUTOR_COMBINE,
                  shards,
                  PartitionerKind.RANGE,
                  slots),
              new Setting(
                  StalenessBound.ssp(2),
                  Aggregation.DIRECT,
                  shards,
                  PartitionerKind.HASH,
                  slots / 2),
              new Setting(
                  StalenessBound.bsp(),
                  Aggregation.DRIVER_TREE,
                  1,
                  PartitionerKind.HASH,
                  slots / 2));
      SettingSchedule schedule =
          (epoch, current, history) -> cycle.get(((epoch - 1) / 3) % cycle.size());
      System.out.printf(
          Locale.ROOT,
          "# soak: %.0f min of fits on SpamAssassin (%d rows), %d shards, %d slots, a new "
              + "setting every 3 epochs cycling %s%n",
          minutes,
          rows,
          shards,
          slots,
          cycle);
      System.out.println(
          "| minute | fits | epochs | switches | driver heap MB | driver threads | driver fds | "
              + "executor heap MB | executor threads | executor fds | shard tables |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
      long start = System.nanoTime();
      long end = start + (long) (minutes * 60e9);
      long nextSample = start;
      int fits = 0;
      int epochs = 0;
      int switches = 0;
      List<long[]> figures = new ArrayList<>();
      while (true) {
        long now = System.nanoTime();
        if (now >= nextSample) {
          ProcessSample d = ProcessSample.here();
          Map<Long, ProcessSample> exec = ProcessSample.everyExecutor(jsc, slots * 4);
          int tables = ps.shardInfo().stream().mapToInt(ShardInfo::tables).sum();
          long execHeap = exec.values().stream().mapToLong(ProcessSample::heapBytes).sum();
          int execThreads = exec.values().stream().mapToInt(ProcessSample::threads).sum();
          int execFds = exec.values().stream().mapToInt(ProcessSample::fds).sum();
          String row =
              String.format(
                  Locale.ROOT,
                  "| %.1f | %d | %d | %d | %.1f | %d | %d | %.1f (%d JVMs) | %d | %d | %d |",
                  (now - start) / 60e9,
                  fits,
                  epochs,
                  switches,
                  d.heapBytes() / 1e6,
                  d.threads(),
                  d.fds(),
                  execHeap / 1e6,
                  exec.size(),
                  execThreads,
                  execFds,
                  tables);
          System.out.println(row);
          figures.add(
              new long[] {
                d.heapBytes(), d.threads(), d.fds(), execHeap, execThreads, execFds, tables
              });
          nextSample += 60_000_000_000L;
        }
        if (now >= end) {
          break;
        }
        List<Integer> seen = new ArrayList<>();
        new PsLogisticRegression()
            .setEpochs(18)
            .setBatchesPerEpoch(10)
            .setSeed(fits + 1)
            .setTuning("off")
            .setSchedule(schedule)
            .setEpochListener(m -> seen.add(m.epoch()))
            .fit(data);
        fits++;
        epochs += seen.size();
        switches += (seen.size() - 1) / 3;
      }
      if (figures.size() >= 3) {
        long[] a = figures.get(1); // after the first minute: JIT, caches and pools warmed up
        long[] b = figures.get(figures.size() - 1);
        String summary =
            String.format(
                Locale.ROOT,
                "# from minute 1 to the end: driver heap %+.1f MB (%+.1f%%), "
                    + "threads %+d, fds %+d; executors heap %+.1f MB (%+.1f%%), threads %+d, fds %+d; shard tables %d -> %d",
                (b[0] - a[0]) / 1e6,
                100.0 * (b[0] - a[0]) / a[0],
                b[1] - a[1],
                b[2] - a[2],
                (b[3] - a[3]) / 1e6,
                100.0 * (b[3] - a[3]) / a[3],
                b[4] - a[4],
                b[5] - a[5],
                a[6],
                b[6]);
        System.out.println(summary);
      }
      System.out.printf(
          Locale.ROOT,
          "# %d fits, %d epochs, %d switches in %.1f min%n",
          fits,
          epochs,
          switches,
          (System.nanoTime() - start) / 60e9);
    } finally {
      spark.stop();
    }
  }
}
