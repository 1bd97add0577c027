package io.trimtab.spark.serve;

import io.trimtab.ps.ClientOptions;
import io.trimtab.ps.PsException;
import io.trimtab.ps.ReadMode;
import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.TableStats;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.checkpoint.Checkpoints;
import io.trimtab.spark.plugin.ExecutorClients;
import java.io.Serializable;
import java.lang.ref.Cleaner;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained model's table kept on the parameter server's shards to serve it, for a model that the
 * driver does not hold: tasks (and the driver) pull only the keys they score. The handle travels in
 * task closures. On the driver the table lives while a model or a pending transform refers to this
 * object, as Spark keeps a cached RDD while it is referenced: once unreachable (or on {@link
 * #release}) the table is dropped from the shards.
 */
public final class ServedTable implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ServedTable.class);
  private static final Cleaner CLEANER = Cleaner.create();

  private final TableHandle table;
  private final ClientOptions options;
  private final long keys;

  /** Drops the table on the driver (null in tasks: a deserialized copy owns nothing). */
  private final transient Cleaner.Cleanable drop;

  /** Whether {@link #release} was called (driver side). */
  private final transient AtomicBoolean released = new AtomicBoolean();

  private ServedTable(ParameterServer ps, TableHandle table, long keys) {
    this.table = table;
    this.options = ps.conf().clientOptions();
    this.keys = keys;
    this.drop = CLEANER.register(this, new Drop(ps, table));
  }

  /**
   * Serves {@code table}, a trained model of {@code keys} keys, from now on: it is dropped once
   * nothing refers to the returned object.
   */
  public static ServedTable keep(ParameterServer ps, TableHandle table, long keys) {
    return new ServedTable(ps, table, keys);
  }

  /**
   * Loads a saved model's table: a new table over every shard, whose shards read the parts of
   * {@code saved} themselves (re-sliced to this cluster's shards), and serves it.
   */
  public static ServedTable load(ParameterServer ps, Checkpoints.Stored saved, long keys) {
    TableSpec s = saved.manifest().spec();
    TableSpec spec =
        new TableSpec("served-" + UUID.randomUUID(), s.kind(), s.dimension(), s.width(), s.rule());
    TableHandle t = ps.createTable(spec, PartitionerKind.HASH);
    try {
      ps.master()
          .readParts(t, saved.manifest(), saved.dir(), 0, io.trimtab.ps.StalenessBound.asp());
    } catch (RuntimeException e) {
      ps.dropTable(t);
      throw e;
    }
    return new ServedTable(ps, t, keys);
  }

  /** Keys of the model (its dimension). */
  public long keys() {
    return keys;
  }

  /** Values per key. */
  public int width() {
    return table.spec().width();
  }

  /**
   * The values of {@code keys} ({@link #width} each, in order), from the shards, through the JVM's
   * shared client (a task's executor, or the driver).
   */
  public double[] pull(long[] keys) {
    try {
      return ExecutorClients.shared(options).pull(table, keys, ReadMode.latest()).values();
    } catch (PsException e) {
      // a shard is gone with its executor, or the table was dropped: the model cannot score
      throw new PsException(
          "The model kept on the shards cannot be read ("
              + table.name()
              + " on "
              + table.shards()
              + "): "
              + e.getMessage()
              + ". A shard lost with its executor takes its part of the model with it: load the"
              + " model again from where it was saved (or train from the last checkpoint)",
          e);
    }
  }

  /**
   * Saves the table into the directory {@code uri}: every shard writes its own part, then the
   * manifest is written (the checkpoint format); the driver never holds the model.
   */
  public void save(ParameterServer ps, String uri, Configuration hadoop) {
    Checkpoints.writeTo(ps.master(), table, 0, uri, hadoop);
  }

  /** The table as its shards hold it: keys and bytes, summed over the shards. */
  public TableStats stats(ParameterServer ps) {
    return ps.master().stats(table);
  }

  /** Drops the table from the shards now; the model can no longer score. */
  public void release() {
    if (drop != null) {
      released.set(true);
      drop.clean();
    }
  }

  /**
   * Fails if the table was released, before any job is started with it.
   *
   * @throws IllegalStateException naming the table
   */
  public ServedTable requireLive() {
    if (released != null && released.get()) {
      throw new IllegalStateException(
          "The model's table "
              + table.name()
              + " was released from the shards (release()): it can no longer score (expected a"
              + " model not released; load it again from where it was saved)");
    }
    return this;
  }

  @Override
  public String toString() {
    return "ServedTable["
        + table.name()
        + ", "
        + keys
        + " keys on "
        + table.shards().size()
        + " shards]";
  }

  /** The drop, holding the parameter server and the handle but not the served table. */
  private static final class Drop implements Runnable {
    private final ParameterServer ps;
    private final TableHandle table;
    private final AtomicBoolean done = new AtomicBoolean();

    Drop(ParameterServer ps, TableHandle table) {
      this.ps = ps;
      this.table = table;
    }

    @Override
    public void run() {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      try {
        ps.dropTable(table);
      } catch (RuntimeException e) {
        // the application may be ending, its shards gone with it: nothing left to free
        LOG.debug("Trimtab: could not drop served table {}: {}", table.name(), e.getMessage());
      }
    }
  }
}
