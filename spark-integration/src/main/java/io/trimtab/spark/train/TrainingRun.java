package io.trimtab.spark.train;

import io.trimtab.ps.ReadMode;
import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableKind;
import io.trimtab.ps.TableSnapshot;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.checkpoint.Checkpoints;
import io.trimtab.spark.objective.MiniBatch;
import io.trimtab.spark.objective.Objective;
import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.tuner.Setting;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;

/**
 * The state of one {@code fit}: the model table, the cut data, the current setting and clock. Runs
 * epochs under any setting through the {@link EpochRunner} of its aggregation, and switches
 * settings between epochs without losing model state: a new shard layout moves every value and
 * optimizer state exactly ({@link io.trimtab.ps.master.PsMaster#repartition}), a new worker count
 * re-cuts the data, a new staleness or aggregation resets the workers' clocks at the common epoch
 * boundary. Driver-side; not thread-safe.
 */
final class TrainingRun implements AutoCloseable {
  /** Spark's local property behind {@code SparkContext.setJobDescription}. */
  private static final String JOB_DESCRIPTION = "spark.job.description";

  private final ParameterServer ps;
  private final DataCuts cuts;
  private final Objective objective;
  private final int batches;
  private final long seed;
  private final Faults faults;
  private final DriverTreeMemory treeMemory;

  /** Keys of the model (a sparse table has no dimension of its own). */
  private final long keys;

  /** Repeated pushes the tables of earlier layouts dropped. */
  private long repeatedBefore;

  private TableHandle table;

  /** Whether the table outlives the run (a model served from the shards). */
  private boolean kept;

  private JavaRDD<MiniBatch> prepared;
  private Setting setting;
  private long clock;

  TrainingRun(
      ParameterServer ps,
      TableHandle table,
      long keys,
      DataCuts cuts,
      Setting initial,
      Objective objective,
      TrainingSpec spec,
      Faults faults,
      DriverTreeMemory treeMemory) {
    this.ps = ps;
    this.table = table;
    this.cuts = cuts;
    this.objective = objective;
    this.batches = spec.batchesPerEpoch();
    this.seed = spec.seed();
    this.faults = faults;
    this.treeMemory = treeMemory;
    this.keys = keys;
    this.setting = initial;
    check(initial);
    ps.master().setWorkers(table, tableWorkers(initial), initial.staleness());
    prepared = cuts.cut(initial.workers());
  }

  long rows() {
    return cuts.rows();
  }

  Setting setting() {
    return setting;
  }

  TableHandle table() {
    return table;
  }

  long clock() {
    return clock;
  }

  /**
   * Sets the model's starting values (before the first epoch) from {@code snapshot}: values,
   * optimizer state and clock, sent from the driver (models that start from values other than zero;
   * they are held by the driver anyway).
   */
  void startFrom(TableSnapshot snapshot) {
    ps.master().restore(table, snapshot, tableWorkers(setting), setting.staleness());
    clock = snapshot.clock();
  }

  /**
   * Restores the model from a checkpoint (before the first epoch): the shards read its parts
   * themselves (values, optimizer state), and the next epoch continues from its clock.
   */
  void resume(Checkpoints.Stored checkpoint) {
    ps.master()
        .readParts(
            table,
            checkpoint.manifest(),
            checkpoint.dir(),
            tableWorkers(setting),
            setting.staleness());
    clock = checkpoint.manifest().clock();
  }

  /** Has the shards write the model into a new checkpoint of {@code to}; returns its directory. */
  String checkpoint(Checkpoints to, int epoch) {
    return to.write(ps.master(), table, epoch);
  }

  /**
   * Re-creates the model table on the parameter server's shards as they are after a loss (see
   * {@link ParameterServer#recover}) from {@code checkpoint}: the table on the lost shard is
   * dropped where its shards still answer, and one over at most as many shards as before reads the
   * checkpoint's values, optimizer state and clock.
   *
   * @return the clocks of work lost: from the checkpoint's clock to where training had got
   */
  long recover(Checkpoints.Stored checkpoint) {
    long lost = clock - checkpoint.manifest().clock();
    ps.master().dropReachable(table);
    // the lost executor's cached partitions are gone: cut the data again over the live executors
    cuts.clear();
    prepared = cuts.cut(setting.workers());
    Setting s = setting.shards() > ps.numShards() ? setting.withShards(ps.numShards()) : setting;
    check(s);
    table = ps.master().createTable(table.spec(), s.partitioner(), s.shards());
    setting = s;
    ps.master().setWorkers(table, tableWorkers(setting), setting.staleness());
    resume(checkpoint);
    return lost;
  }

  /**
   * The model table as it is now (every key, value and optimizer state), gathered on the driver:
   * for switch audits of small models.
   */
  TableSnapshot snapshot() {
    return ps.master().snapshot(table);
  }

  /**
   * Switches to {@code next} between epochs; returns the seconds it took (0 if nothing changed).
   */
  double switchTo(Setting next) {
    if (next.equals(setting)) {
      return 0;
    }
    long start = System.nanoTime();
    check(next);
    if (setting.layoutDiffers(next)) {
      repeatedBefore += ps.master().stats(table).duplicatePushes();
      table =
          ps.master()
              .repartition(
                  table, next.partitioner(), next.shards(), tableWorkers(next), next.staleness());
    } else {
      ps.master().setWorkers(table, tableWorkers(next), next.staleness());
    }
    if (next.workers() != setting.workers()) {
      prepared = cuts.cut(next.workers());
    }
    setting = next;
    return (System.nanoTime() - start) / 1e9;
  }

  /** Runs epoch {@code e} under the current setting. */
  EpochMetrics runEpoch(int e, double switchSeconds) {
    long start = System.nanoTime();
    long orderSeed = seed == 0 ? 0 : seed * 1_000_003L + e;
    // the Spark UI names the epoch and its setting on every job of it
    SparkContext sc = prepared.context();
    String description = sc.getLocalProperty(JOB_DESCRIPTION);
    sc.setJobDescription("Trimtab " + objective.name() + ": epoch " + e + ", " + setting);
    EpochTotals t;
    try {
      t =
          runner(setting)
              .run(new EpochRunner.Epoch(table, prepared, clock, orderSeed, batches, setting));
    } finally {
      sc.setJobDescription(description);
    }
    clock += batches;
    double seconds = (System.nanoTime() - start) / 1e9;
    long n = t.examples();
    return new EpochMetrics(
        e,
        setting,
        new EpochMetrics.Progress(
            n > 0 ? t.lossSum() / n : Double.NaN, n, clock, t.maxStaleness(), t.clockLosses()),
        new EpochMetrics.Timing(
            seconds,
            switchSeconds,
            t.pullSeconds(),
            t.computeSeconds(),
            t.pushSeconds(),
            t.taskSeconds()),
        EpochMetrics.TunerNote.NONE);
  }

  /** Fails with a clear message if {@code s} cannot run on this cluster. */
  static void check(ParameterServer ps, Setting s) {
    if (s.shards() > ps.numShards()) {
      throw new IllegalArgumentException(
          "Invalid shard count: "
              + s.shards()
              + " (at most "
              + ps.numShards()
              + ", the number of executors with a shard)");
    }
    if (s.staleness().bounded()) {
      ps.requireWorkers(s.workers(), s.staleness());
    }
  }

  /**
   * Why {@code s} cannot train this run's table, or null if it can: driver-tree's dense gradients
   * must fit in memory, and a sparse table needs a setting that does not need a dense one. The
   * switches check it, and the tuner tries only settings that pass it.
   */
  String problem(Setting s) {
    String memory = treeMemory.problem(s);
    if (memory != null) {
      return memory;
    }
    String dense = TableLayout.needsDense(s);
    return table.spec().kind() == TableKind.SPARSE && dense != null
        ? "it cannot train a sparse table: " + dense
        : null;
  }

  /** {@link #check(ParameterServer, Setting)}, and {@link #problem}. */
  private void check(Setting s) {
    check(ps, s);
    String problem = problem(s);
    if (problem != null) {
      throw new IllegalArgumentException("Setting " + s + ": " + problem);
    }
  }

  private EpochRunner runner(Setting s) {
    return EpochRunner.of(s.aggregation(), ps, objective, faults);
  }

  /** The workers the shards count per clock under {@code s}'s aggregation. */
  private int tableWorkers(Setting s) {
    return runner(s).tableWorkers(s.workers());
  }

  /** Repeated pushes the shards dropped so far (retried or speculative task attempts). */
  long repeatedPushes() {
    return repeatedBefore + ps.master().stats(table).duplicatePushes();
  }

  /**
   * The final values of every key ({@code width} each, key-major), read once every clock is
   * applied.
   */
  double[] values() {
    // every worker pushes every clock of an epoch, so the table clock reaches `clock` in every mode
    // (the client splits a pull this large into answers well inside a message's limit)
    return ps.client().pull(table, Trainer.allKeys(keys), ReadMode.atLeast(clock)).values();
  }

  /**
   * Hands the trained table over to whoever serves the model: closing the run no longer drops it.
   * Its clocks are turned off, which also checks that every clock of every worker was applied.
   */
  TableHandle keepTable() {
    ps.master().setWorkers(table, 0, setting.staleness());
    kept = true;
    return table;
  }

  @Override
  public void close() {
    if (!kept) {
      ps.dropTable(table);
    }
    cuts.close();
  }
}
