package io.trimtab.bench;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The executors' used heap after a full GC (their live data), as {@link
 * ProcessSample#everyExecutor} reads it.
 *
 * @param byProcess used heap per executor process id, in bytes
 */
record ExecutorHeaps(Map<Long, Long> byProcess) {

  static ExecutorHeaps measure(SparkSession spark) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Map<Long, Long> heaps = new TreeMap<>();
    ProcessSample.everyExecutor(jsc, 4 * Math.max(1, jsc.defaultParallelism()))
        .forEach((pid, s) -> heaps.put(pid, s.heapBytes()));
    return new ExecutorHeaps(heaps);
  }

  long total() {
    return byProcess.values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public String toString() {
    StringJoiner each = new StringJoiner(", ", " (", ")");
    byProcess.forEach((pid, v) -> each.add("process " + pid + " " + ScaleBenchmark.mib(v)));
    return ScaleBenchmark.mib(total()) + each;
  }
}
