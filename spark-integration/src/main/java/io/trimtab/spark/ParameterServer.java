package io.trimtab.spark;

import io.trimtab.ps.PsClient;
import io.trimtab.ps.ShardAddress;
import io.trimtab.ps.ShardInfo;
import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.master.PsMaster;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.spark.plugin.ShardRegistration;
import io.trimtab.spark.plugin.ShardRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The parameter server of a Spark application, seen from the driver: one shard in every executor
 * JVM, started by {@link io.trimtab.spark.plugin.TrimtabPlugin}. Get it with {@link
 * Trimtab#parameterServer(SparkSession)}; create tables, hand their {@link TableHandle}s to tasks,
 * and pull/push with a {@link PsClient}. Thread-safe; it lives until the SparkContext stops.
 */
public final class ParameterServer {
  private static ParameterServer current;

  private final SparkContext sc;
  private final PsMaster master;
  private volatile List<ShardRegistration> registrations;
  private final ShardRegistry registry;
  private final TrimtabConf conf;

  /** Executors Spark removed, with the reason it gave (filled by a listener). */
  private final java.util.Map<String, String> removed =
      new java.util.concurrent.ConcurrentHashMap<>();

  private ParameterServer(
      SparkContext sc,
      PsMaster master,
      List<ShardRegistration> registrations,
      TrimtabConf conf,
      ShardRegistry registry) {
    this.registry = registry;
    this.sc = sc;
    this.master = master;
    this.registrations = registrations;
    this.conf = conf;
    sc.addSparkListener(
        new org.apache.spark.scheduler.SparkListener() {
          @Override
          public void onExecutorRemoved(org.apache.spark.scheduler.SparkListenerExecutorRemoved e) {
            removed.put(e.executorId(), e.reason());
          }
        });
  }

  /**
   * After shards were lost with their executors: waits (up to {@code timeout}) until Spark's live
   * executors are as many as the shards were, as a standalone or YARN master starts replacements,
   * and their shards have registered; then the parameter server uses the shards that answer: the
   * survivors in their order, then the new ones. Tables on lost shards must be created anew.
   *
   * @return the shards that replaced lost ones (possibly none: then the survivors carry on alone)
   * @throws IllegalStateException if no shard answers
   */
  public synchronized List<ShardRegistration> recover(Duration timeout) {
    List<ShardRegistration> before = registrations;
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> live = SparkChecks.executorIds(sc);
    while (live.size() < before.size() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100); // Spark offers no blocking wait for executors
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      live = SparkChecks.executorIds(sc);
    }
    List<ShardRegistration> registered;
    try {
      registered =
          registry.await(live, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    } catch (IllegalStateException e) {
      registered =
          registry.registrations().stream()
              .filter(r -> SparkChecks.executorIds(sc).contains(r.executorId()))
              .toList();
    }
    List<ShardRegistration> next = new java.util.ArrayList<>();
    for (ShardRegistration r : before) {
      if (registered.contains(r) && !removed.containsKey(r.executorId())) {
        next.add(r);
      }
    }
    List<ShardRegistration> added = new java.util.ArrayList<>();
    for (ShardRegistration r : registered) {
      if (!next.contains(r) && !removed.containsKey(r.executorId())) {
        next.add(r);
        added.add(r);
      }
    }
    List<ShardAddress> addresses =
        next.stream().map(r -> new ShardAddress(r.host(), r.port())).toList();
    if (addresses.isEmpty()) {
      throw new IllegalStateException(
          "No Trimtab shard is left: every executor with a shard was lost (removed: "
              + removed
              + ")");
    }
    master.setShards(addresses);
    registrations = List.copyOf(next);
    return added;
  }

  /**
   * Whether Spark has reported the loss of an executor that holds a shard of {@code table} (no
   * network call: a listener keeps the removed executors).
   */
  public boolean lostAShardOf(TableHandle table) {
    if (removed.isEmpty()) {
      return false;
    }
    for (ShardRegistration r : registrations) {
      if (removed.containsKey(r.executorId())
          && table.shards().contains(new ShardAddress(r.host(), r.port()))) {
        return true;
      }
    }
    return false;
  }

  /** Whether every shard answers a status request over TCP (a quick check before a fit). */
  public boolean allShardsAnswer() {
    try {
      master.shardInfo();
      return true;
    } catch (io.trimtab.ps.PsException e) {
      return false;
    }
  }

  /**
   * What is lost of {@code table}: each shard that no longer answers, named with its executor, its
   * host and process, and the cause (the reason Spark gave for removing the executor, waited for up
   * to {@code causeWait}, since the shard may fail before Spark's event arrives; else the
   * connection error). Empty if every shard of the table answers.
   */
  public java.util.Optional<String> lostShards(TableHandle table, Duration causeWait) {
    java.util.Map<ShardAddress, String> dead = master.unreachable(table);
    if (dead.isEmpty()) {
      return java.util.Optional.empty();
    }
    long deadline = System.nanoTime() + causeWait.toNanos();
    List<String> parts = new java.util.ArrayList<>();
    for (java.util.Map.Entry<ShardAddress, String> d : dead.entrySet()) {
      ShardRegistration reg =
          registrations.stream()
              .filter(r -> r.host().equals(d.getKey().host()) && r.port() == d.getKey().port())
              .findFirst()
              .orElse(null);
      String cause = null;
      while (reg != null
          && (cause = removed.get(reg.executorId())) == null
          && System.nanoTime() < deadline) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      int index = table.shards().indexOf(d.getKey());
      parts.add(
          "shard "
              + index
              + " of "
              + table.shards().size()
              + " ("
              + d.getKey()
              + ")"
              + (reg == null
                  ? ""
                  : " in executor "
                      + reg.executorId()
                      + " (host "
                      + reg.host()
                      + ", process "
                      + reg.pid()
                      + ")")
              + (cause != null
                  ? ": Spark removed the executor: " + cause
                  : ": not reachable: " + d.getValue()));
    }
    return java.util.Optional.of(
        "Trimtab lost "
            + String.join("; ", parts)
            + ". The part of table '"
            + table.name()
            + "' held there is gone");
  }

  static synchronized ParameterServer of(SparkSession spark) {
    SparkContext sc = spark.sparkContext();
    SparkChecks.requirePlugin(sc.getConf());
    SparkChecks.requireStaticExecutors(sc.getConf());
    ShardRegistry registry =
        ShardRegistry.current()
            .filter(r -> r.belongsTo(sc))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "Trimtab's plugin is listed in spark.plugins but its driver side "
                            + "did not start in application "
                            + sc.applicationId()
                            + "; check that the Trimtab jar is on the driver's "
                            + "class path (spark-submit --jars or the application jar)"));
    if (current != null && current.sc == sc && !sc.isStopped()) {
      return current;
    }
    TrimtabConf conf = new TrimtabConf(sc.getConf());
    Duration timeout = conf.registrationTimeout();
    List<String> executors = awaitExecutors(sc, timeout);
    List<ShardRegistration> regs = registry.await(executors, timeout);
    List<ShardAddress> addresses =
        regs.stream().map(r -> new ShardAddress(r.host(), r.port())).toList();
    PsMaster master =
        new PsMaster(addresses, conf.clientOptions(), io.trimtab.spark.plugin.PsSecret.local());
    registry.closeOnStop(master);
    current = new ParameterServer(sc, master, regs, conf, registry);
    return current;
  }

  private static List<String> awaitExecutors(SparkContext sc, Duration timeout) {
    int expected = SparkChecks.expectedExecutors(sc.getConf());
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> ids = SparkChecks.executorIds(sc);
    while (ids.size() < expected) {
      if (System.nanoTime() > deadline) {
        if (ids.isEmpty()) {
          throw new IllegalStateException(
              "No executor registered with the driver within "
                  + timeout.toSeconds()
                  + " s (expected "
                  + expected
                  + "); Trimtab's shards live in executors. Check the cluster "
                  + "(master "
                  + sc.master()
                  + ") or raise spark.trimtab.registrationTimeout");
        }
        break;
      }
      try {
        Thread.sleep(
            100); // polling Spark's executor list: Spark offers no blocking wait for executors
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for executors", e);
      }
      ids = SparkChecks.executorIds(sc);
    }
    return ids;
  }

  /** Creates a table over all shards. */
  public TableHandle createTable(TableSpec spec, PartitionerKind partitioner) {
    return master.createTable(spec, partitioner);
  }

  /** Creates a table over the first {@code numShards} shards. */
  public TableHandle createTable(TableSpec spec, PartitionerKind partitioner, int numShards) {
    return master.createTable(spec, partitioner, numShards);
  }

  /** Drops a table and frees its memory on every shard. */
  public void dropTable(TableHandle table) {
    master.dropTable(table);
  }

  /** The driver's PS client. */
  public PsClient client() {
    return master.client();
  }

  /** The PS master (table control, stats). */
  public PsMaster master() {
    return master;
  }

  /** The shards as they registered (executor id, address, process id). */
  public List<ShardRegistration> registrations() {
    return registrations;
  }

  /** The shards as they answer over TCP right now. */
  public List<ShardInfo> shardInfo() {
    return master.shardInfo();
  }

  /** Number of shards. */
  public int numShards() {
    return registrations.size();
  }

  /** Tasks the cluster can run at once. */
  public int taskSlots() {
    return SparkChecks.taskSlots(sc);
  }

  /** Trimtab's settings of this application. */
  public TrimtabConf conf() {
    return conf;
  }

  /** Fails with a clear message unless {@code workers} tasks can run at once. */
  public void requireWorkers(int workers) {
    SparkChecks.requireSlots(workers, taskSlots(), sc.getConf());
  }

  /**
   * Fails with a clear message unless {@code workers} tasks can run at once, as a bounded staleness
   * needs.
   */
  public void requireWorkers(int workers, io.trimtab.ps.StalenessBound staleness) {
    SparkChecks.requireSlots(workers, taskSlots(), sc.getConf(), staleness.toString());
  }
}
