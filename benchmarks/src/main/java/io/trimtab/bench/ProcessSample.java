package io.trimtab.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One JVM's figures after a full GC: heap in use (its live data), live threads, open file
 * descriptors (sockets included).
 */
record ProcessSample(long pid, long heapBytes, int threads, int fds)
    implements java.io.Serializable {

  /** This JVM's figures, after a full GC. */
  static ProcessSample here() {
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    String[] fds = new java.io.File("/proc/self/fd").list();
    return new ProcessSample(
        ProcessHandle.current().pid(), heap, threads, fds == null ? -1 : fds.length);
  }

  /**
   * Every executor's figures, by process id: {@code tasks} tasks each take a sample, and each
   * process's sample with the least heap counts (the scheduler spreads the tasks over every
   * executor; a short pause in each keeps one executor from taking them all).
   */
  static Map<Long, ProcessSample> everyExecutor(JavaSparkContext jsc, int tasks) {
    List<Integer> ids = IntStream.range(0, tasks).boxed().toList();
    Map<Long, ProcessSample> out = new TreeMap<>();
    for (ProcessSample s :
        jsc.parallelize(ids, tasks)
            .map(
                i -> {
                  ProcessSample here = here();
                  Thread.sleep(200);
                  return here;
                })
            .collect()) {
      out.merge(s.pid(), s, (a, b) -> a.heapBytes() <= b.heapBytes() ? a : b);
    }
    return out;
  }
}
