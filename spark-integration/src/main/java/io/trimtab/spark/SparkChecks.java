package io.trimtab.spark;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import scala.collection.JavaConverters;

/**
 * Checks of the Spark settings Trimtab depends on, run on the driver before any job, so that a
 * wrong setting fails at once with one message naming the setting and the fix rather than as a hang
 * or as an exception deep inside a task.
 */
public final class SparkChecks {
  private static final Pattern LOCAL_CLUSTER =
      Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,.*\\]");

  private SparkChecks() {}

  /** Fails unless Trimtab's plugin is listed in {@code spark.plugins}. */
  public static void requirePlugin(SparkConf conf) {
    String plugins = conf.get("spark.plugins", "");
    boolean listed =
        Arrays.stream(plugins.split(","))
            .map(String::trim)
            .anyMatch(TrimtabConf.PLUGIN_CLASS::equals);
    if (!listed) {
      throw new IllegalStateException(
          "Trimtab's plugin is not enabled: set spark.plugins="
              + TrimtabConf.PLUGIN_CLASS
              + " when creating the session or in spark-submit --conf (spark.plugins is "
              + (plugins.isEmpty() ? "unset" : "'" + plugins + "'")
              + ")");
    }
  }

  /** Fails if dynamic allocation is on: shards live in executors, which must not come and go. */
  public static void requireStaticExecutors(SparkConf conf) {
    if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
      throw new IllegalStateException(
          "Trimtab keeps parameter shards inside executors, so executors must not be "
              + "added or removed during training: set spark.dynamicAllocation.enabled=false (it is true)");
    }
  }

  /**
   * Fails unless {@code workers} tasks can run at once: synchronous training runs one task per data
   * partition and every task waits for the others at each clock.
   */
  public static void requireSlots(int workers, int slots, SparkConf conf) {
    requireSlots(workers, slots, conf, "bsp");
  }

  /**
   * As {@link #requireSlots(int, int, SparkConf)}, naming the consistency setting that needs all
   * workers at once (BSP or SSP; ASP does not).
   */
  public static void requireSlots(int workers, int slots, SparkConf conf, String staleness) {
    if (workers < 1) {
      throw new IllegalArgumentException(
          "Invalid number of workers: " + workers + " (must be >= 1)");
    }
    if (workers > slots) {
      throw new IllegalStateException(
          "Trimtab needs "
              + workers
              + " worker tasks running at once (one per data "
              + "partition, as staleness "
              + staleness
              + " requires) but the cluster has "
              + slots
              + " task slots "
              + "(executor cores / spark.task.cpus="
              + conf.get("spark.task.cpus", "1")
              + "): set the number of workers "
              + "to at most "
              + slots
              + ", add executors or cores, or use staleness asp");
    }
  }

  /** Heap Spark keeps for itself in every JVM (its {@code RESERVED_SYSTEM_MEMORY_BYTES}). */
  static final long SPARK_RESERVED_BYTES = 300L << 20;

  /**
   * Heap of one executor JVM in bytes: {@code spark.executor.memory} (default 1g), or, in local
   * mode where the driver runs the tasks and the shard, the driver's own heap.
   */
  public static long executorHeapBytes(SparkConf conf) {
    String master = conf.get("spark.master", "");
    if (master.equals("local") || master.startsWith("local[")) {
      return Runtime.getRuntime().maxMemory();
    }
    return conf.getSizeAsBytes("spark.executor.memory", "1g");
  }

  /**
   * Bytes one shard holds for a dense table of {@code keys} keys of {@code doublesPerKey} doubles
   * (state included).
   */
  public static long shardBytes(long keys, int doublesPerKey, int shards) {
    long perShard = keys / shards + (keys % shards == 0 ? 0 : 1);
    return doubleBytes(perShard, doublesPerKey);
  }

  /**
   * The fewest shards (at most {@code maxShards}) among which a dense table of {@code keys} keys of
   * {@code doublesPerKey} doubles fits in executors of {@code heapBytes} heap; 0 if none does.
   */
  public static int minShards(long keys, int doublesPerKey, long heapBytes, int maxShards) {
    for (int s = 1; s <= maxShards; s++) {
      if (shardBytes(keys, doublesPerKey, s) <= heapBytes - SPARK_RESERVED_BYTES) {
        return s;
      }
    }
    return 0;
  }

  /**
   * Fails, before any table is created, if a dense model of {@code keys} keys of {@code
   * doublesPerKey} doubles (weights and optimizer state) cannot fit in executor memory when split
   * over {@code shards} shards (the JVM heap less Spark's reserved 300 MB: a lower bound on what it
   * needs, so the check never refuses a model that fits). A sparse table's size follows the keys
   * the data touch, so it is not checked here.
   */
  public static void requireShardsFit(long keys, int doublesPerKey, int shards, long executorHeap) {
    long total = doubleBytes(keys, doublesPerKey);
    long perShard = shardBytes(keys, doublesPerKey, shards);
    if (perShard > executorHeap - SPARK_RESERVED_BYTES) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "The model does not fit in executor memory: %d "
                  + "keys x %d doubles (weights and optimizer state) need %s, %s per shard over %d shards, but an executor "
                  + "has %s of heap (spark.executor.memory) less Spark's reserved 300 MB. Expected at most %s per shard: "
                  + "raise spark.executor.memory, spread the model over more executors (shards), or hash the features into "
                  + "fewer dimensions",
              keys,
              doublesPerKey,
              size(total),
              size(perShard),
              shards,
              size(executorHeap),
              size(Math.max(0, executorHeap - SPARK_RESERVED_BYTES))));
    }
  }

  /**
   * Bytes of {@code keys} keys of {@code doublesPerKey} doubles, saturating at Long.MAX_VALUE (a
   * 64-bit key space overflows the product).
   */
  private static long doubleBytes(long keys, long doublesPerKey) {
    return times(times(keys, doublesPerKey), Double.BYTES);
  }

  /** {@code a * b} (non-negative), saturating at Long.MAX_VALUE. */
  private static long times(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Why the driver cannot hold a trained model of {@code keys} keys of {@code width} values, or
   * null if it can: the model's weights, the copy a model object keeps and a broadcast of them
   * (serialized and as blocks), 4 copies, must fit in its heap less Spark's reserved 300 MB.
   */
  public static String driverModelProblem(long keys, int width, long driverHeap) {
    long copy = doubleBytes(keys, width);
    long needs = times(copy, 4);
    if (needs <= driverHeap - SPARK_RESERVED_BYTES) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "The trained model does not fit in driver memory: %d keys x %d values take %s, and the driver holds 4"
            + " copies (the weights, the model's, a broadcast's two) in %s, but has %s of heap less Spark's"
            + " reserved 300 MB: raise spark.driver.memory or hash the features into fewer dimensions",
        keys,
        width,
        size(copy),
        size(needs),
        size(driverHeap));
  }

  /**
   * Why driver-tree aggregation cannot train a dense model of {@code keys} keys of {@code width}
   * values here, or null if it can. It sums gradients that are dense over the whole key space: the
   * driver holds the pulled weights, their broadcast and the summed gradient (3 copies); an
   * executor holds the broadcast weights and, per task slot, a partition's gradient and one it
   * merges (1 + 2 x cores copies), beside {@code shardBytes} of its shard's part of the table. Each
   * side gets its heap less Spark's reserved 300 MB. Lower bounds, as in {@link #requireShardsFit}.
   */
  public static String driverTreeProblem(
      long keys,
      int width,
      long shardBytes,
      long driverHeap,
      long executorHeap,
      int executorCores) {
    long copy = doubleBytes(keys, width);
    long driverNeeds = times(copy, 3);
    long executorNeeds = times(copy, 1 + 2L * executorCores);
    executorNeeds =
        executorNeeds > Long.MAX_VALUE - shardBytes ? Long.MAX_VALUE : executorNeeds + shardBytes;
    if (driverNeeds <= driverHeap - SPARK_RESERVED_BYTES
        && executorNeeds <= executorHeap - SPARK_RESERVED_BYTES) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "Aggregation driver-tree does not fit this model: it sums dense gradients of all %d keys x "
            + "%d values (%s a copy). The driver needs 3 copies (the weights, their broadcast, the "
            + "summed gradient): %s of its %s heap less Spark's reserved 300 MB; an executor needs 1 + 2 "
            + "x %d cores copies (the broadcast, and per task slot a partition's gradient and one it "
            + "merges) and its shard's %s: %s of its %s heap less 300 MB. Use aggregation direct or "
            + "executor-combine, which send only the keys a mini-batch touches",
        keys,
        width,
        size(copy),
        size(driverNeeds),
        size(driverHeap),
        executorCores,
        size(shardBytes),
        size(executorNeeds),
        size(executorHeap));
  }

  private static String size(long bytes) {
    return bytes >= 1L << 30
        ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
  }

  /** Task slots of the cluster right now: tasks that can run at once. */
  public static int taskSlots(SparkContext sc) {
    return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
  }

  /** Ids of the live executors ("driver" in local mode). */
  public static List<String> executorIds(SparkContext sc) {
    List<String> ids = JavaConverters.seqAsJavaList(sc.getExecutorIds());
    return ids.isEmpty() && sc.isLocal() ? List.of("driver") : List.copyOf(ids);
  }

  /** Executors the application asked for, when the master or the configuration says (else 1). */
  public static int expectedExecutors(SparkConf conf) {
    String master = conf.get("spark.master", "");
    Matcher m = LOCAL_CLUSTER.matcher(master);
    if (m.matches()) {
      return Integer.parseInt(m.group(1));
    }
    if (master.startsWith("local")) {
      return 1;
    }
    return conf.getInt("spark.executor.instances", 1);
  }
}
