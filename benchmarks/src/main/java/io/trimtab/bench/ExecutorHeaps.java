package io.trimtab.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The executors' used heap after a full GC (their live data), measured by tasks: each of several
 * tasks per slot runs {@code System.gc()} and reads its JVM's used heap, and each executor's
 * smallest reading counts (the scheduler spreads the tasks over every executor).
 *
 * @param byExecutor used heap per executor id, in bytes
 */
record ExecutorHeaps(Map<String, Long> byExecutor) {

  static ExecutorHeaps measure(SparkSession spark) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int tasks = 4 * Math.max(1, jsc.defaultParallelism());
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      ids.add(i);
    }
    Map<String, Long> out = new TreeMap<>();
    for (Tuple2<String, Long> r :
        jsc.parallelize(ids, tasks)
            .map(
                i -> {
                  System.gc();
                  // let other tasks reach other executors before this slot is free again
                  Thread.sleep(200);
                  return new Tuple2<>(
                      SparkEnv.get().executorId(),
                      ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                })
            .collect()) {
      out.merge(r._1(), r._2(), Math::min);
    }
    return new ExecutorHeaps(out);
  }

  long total() {
    return byExecutor.values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public String toString() {
    java.util.StringJoiner each = new java.util.StringJoiner(", ", " (", ")");
    byExecutor.forEach((id, v) -> each.add("executor " + id + " " + ScaleBenchmark.mib(v)));
    return ScaleBenchmark.mib(total()) + each;
  }
}
