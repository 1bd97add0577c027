package io.trimtab.ps.master;

import io.trimtab.ps.ClientOptions;
import io.trimtab.ps.KeyPartitioner;
import io.trimtab.ps.PartitionerFactory;
import io.trimtab.ps.PsClient;
import io.trimtab.ps.PsException;
import io.trimtab.ps.PsSecurity;
import io.trimtab.ps.ShardAddress;
import io.trimtab.ps.ShardInfo;
import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableSnapshot;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.TableStats;
import io.trimtab.ps.checkpoint.Manifest;
import io.trimtab.ps.client.NettyPsClient;
import io.trimtab.ps.protocol.Request;
import io.trimtab.ps.protocol.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control side of the parameter server (in Spark: the driver). It knows the live shards,
 * creates and drops tables, assigns each table's keys to shards through a partitioner, and sets the
 * number of workers of clocked tables; its table mover has the shards move tables, and write and
 * read checkpoint parts, and snapshots and restores small tables. It also serves as a {@link
 * PsClient} for driver-side pulls.
 *
 * <p>Thread-safe. Closing it closes its client connections, not the shards.
 */
public final class PsMaster implements AutoCloseable {
  private volatile List<ShardAddress> shards;
  private final NettyPsClient client;
  private final TableMover mover;
  private final Map<String, TableHandle> tables = new LinkedHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger();

  /**
   * @param shards the live shards, in a fixed order; a table over n shards uses the first n
   * @throws IllegalArgumentException if {@code shards} is empty
   */
  public PsMaster(List<ShardAddress> shards, ClientOptions options) {
    this(shards, options, null);
  }

  /**
   * As {@link #PsMaster(List, ClientOptions)}, with connections protected by {@code security}
   * (null: none).
   */
  public PsMaster(List<ShardAddress> shards, ClientOptions options, PsSecurity security) {
    if (shards == null || shards.isEmpty()) {
      throw new IllegalArgumentException("A parameter server needs at least one shard (got none)");
    }
    this.shards = List.copyOf(shards);
    this.client = new NettyPsClient(options, security);
    this.mover = new TableMover(client);
  }

  /** The live shards, in order. */
  public List<ShardAddress> shards() {
    return shards;
  }

  /** A client for driver-side pulls and pushes (closed with this master). */
  public PsClient client() {
    return client;
  }

  /** Creates a table over all shards with the given partitioner. */
  public TableHandle createTable(TableSpec spec, PartitionerFactory partitioner) {
    return createTable(spec, partitioner, shards.size());
  }

  /**
   * Creates a table over the first {@code numShards} shards.
   *
   * @throws IllegalArgumentException if the name is taken or {@code numShards} is not 1 .. shards
   */
  public synchronized TableHandle createTable(
      TableSpec spec, PartitionerFactory partitioner, int numShards) {
    if (numShards < 1 || numShards > shards.size()) {
      throw new IllegalArgumentException(
          "Invalid shard count for table '"
              + spec.name()
              + "': "
              + numShards
              + " (must be 1 .. "
              + shards.size()
              + ", the number of live shards)");
    }
    if (tables.containsKey(spec.name())) {
      throw new IllegalArgumentException(
          "Table '" + spec.name() + "' already exists (drop it first or pick another name)");
    }
    KeyPartitioner p = partitioner.create(spec, numShards);
    TableHandle handle =
        new TableHandle(nextId.getAndIncrement(), spec, p, shards.subList(0, numShards));
    mover.createParts(handle, "Creating table '" + spec.name() + "'");
    tables.put(spec.name(), handle);
    return handle;
  }

  /**
   * Replaces the shards after some were lost (and others started in their place): tables created
   * from now on use the new list. A table on a lost shard is dropped with {@link #dropReachable}
   * and created anew. Table ids keep counting, so a new table never takes an id a surviving shard
   * still knows.
   *
   * @throws IllegalArgumentException if {@code live} is empty
   */
  public synchronized void setShards(List<ShardAddress> live) {
    if (live == null || live.isEmpty()) {
      throw new IllegalArgumentException("A parameter server needs at least one shard (got none)");
    }
    shards = List.copyOf(live);
  }

  /**
   * Forgets a table and drops it on the shards that still answer (after one of its shards was
   * lost); returns the shards that did not answer.
   */
  public synchronized List<ShardAddress> dropReachable(TableHandle table) {
    tables.remove(table.name());
    List<ShardAddress> failed = new ArrayList<>();
    for (ShardAddress s : table.shards()) {
      try {
        client.call(
            s, new Request.DropTable(table.id()), "Dropping table '" + table.name() + "' on " + s);
      } catch (PsException e) {
        failed.add(s);
      }
    }
    return failed;
  }

  /** Drops a table on every shard. Unknown tables are ignored. */
  public synchronized void dropTable(TableHandle table) {
    if (tables.remove(table.name()) == null) {
      return;
    }
    List<CompletableFuture<Response>> acks = new ArrayList<>();
    for (ShardAddress s : table.shards()) {
      acks.add(client.send(s, new Request.DropTable(table.id())));
    }
    awaitAll(acks, "Dropping table '" + table.name() + "'");
  }

  /** The live table of that name, if any. */
  public synchronized Optional<TableHandle> table(String name) {
    return Optional.ofNullable(tables.get(name));
  }

  /** {@link #setWorkers(TableHandle, int, StalenessBound)} with BSP. */
  public void setWorkers(TableHandle table, int numWorkers) {
    setWorkers(table, numWorkers, StalenessBound.bsp());
  }

  /**
   * Sets, between epochs, how many workers push to {@code table} per clock (clocked pushes come
   * from workers 0 .. n-1, each in clock order) and how the shards apply them: per clock (BSP) or
   * on arrival (SSP, ASP). The table clock carries on.
   *
   * @throws PsException if a shard is in the middle of a clock (some workers pushed, others not)
   */
  public void setWorkers(TableHandle table, int numWorkers, StalenessBound staleness) {
    if (numWorkers < 0) {
      throw new IllegalArgumentException("Invalid worker count: " + numWorkers + " (must be >= 0)");
    }
    List<CompletableFuture<Response>> acks = new ArrayList<>();
    for (ShardAddress s : table.shards()) {
      acks.add(
          client.send(
              s,
              new Request.SetWorkers(table.id(), numWorkers, staleness.aggregatesPerClock(), -1)));
    }
    awaitAll(
        acks,
        "Setting " + numWorkers + " workers (" + staleness + ") on table '" + table.name() + "'");
  }

  /** Every key of the table with its values and optimizer state, sorted by key. */
  public TableSnapshot snapshot(TableHandle table) {
    return mover.snapshot(table);
  }

  /**
   * Loads a snapshot (a checkpoint's) into {@code table}, a table created empty with the same spec:
   * every key's values and optimizer state, and the clock, from which training carries on with
   * {@code numWorkers} workers under {@code staleness}.
   *
   * @throws IllegalArgumentException if the snapshot does not fit the table: keys beyond a dense
   *     table's dimension, or values or state of another width
   */
  public void restore(
      TableHandle table, TableSnapshot snapshot, int numWorkers, StalenessBound staleness) {
    mover.restore(table, snapshot, numWorkers, staleness);
  }

  /**
   * Checkpoints {@code table} into the directory {@code dir}: every shard writes its own part there
   * in parallel, straight to the file system (through its {@link io.trimtab.ps.PartFiles}), and the
   * returned manifest lists them. The checkpoint exists once the caller has written the manifest;
   * this process never holds the model.
   *
   * @param epoch the last epoch the state includes, recorded in the manifest
   * @throws IllegalStateException if the shards are at different clocks (take it between epochs)
   */
  public Manifest writeParts(TableHandle table, long epoch, String dir) {
    return mover.writeParts(table, epoch, dir);
  }

  /**
   * Loads the checkpoint {@code manifest} of directory {@code dir} into {@code table}, a table
   * created empty with the same spec: its shards read the parts themselves, each keeping the keys
   * it owns (re-sliced when the table's layout differs from the one that wrote them). Training
   * carries on from the checkpoint's clock with {@code numWorkers} workers under {@code staleness}.
   *
   * @throws IllegalArgumentException if the parts do not fit the table: keys beyond a dense table's
   *     dimension, another width or update rule, or a truncated or damaged part (named)
   */
  public void readParts(
      TableHandle table, Manifest manifest, String dir, int numWorkers, StalenessBound staleness) {
    mover.readParts(table, manifest, dir, numWorkers, staleness);
  }

  /**
   * Moves a table onto {@code numShards} shards with a new partitioner, between epochs: every key's
   * values and optimizer state are copied exactly, shard to shard, the clock carries on, and the
   * worker count and staleness are set on the new layout. The old layout is dropped only after the
   * new one holds everything; if the move fails, the old table is left as it was.
   *
   * @return the handle of the moved table (same name and spec, new id)
   */
  public synchronized TableHandle repartition(
      TableHandle table,
      PartitionerFactory partitioner,
      int numShards,
      int numWorkers,
      StalenessBound staleness) {
    if (numShards < 1 || numShards > shards.size()) {
      throw new IllegalArgumentException(
          "Invalid shard count for table '"
              + table.name()
              + "': "
              + numShards
              + " (must be 1 .. "
              + shards.size()
              + ", the number of live shards)");
    }
    KeyPartitioner p = partitioner.create(table.spec(), numShards);
    TableHandle moved =
        new TableHandle(nextId.getAndIncrement(), table.spec(), p, shards.subList(0, numShards));
    mover.move(table, moved, numWorkers, staleness);
    tables.put(table.name(), moved);
    return moved;
  }

  /** The table's clock, key count, memory and dropped duplicate pushes, summed over its shards. */
  public TableStats stats(TableHandle table) {
    long clock = Long.MAX_VALUE;
    long keys = 0;
    long bytes = 0;
    long state = 0;
    long duplicates = 0;
    for (ShardAddress s : table.shards()) {
      Response.Status st =
          (Response.Status)
              client.call(
                  s,
                  new Request.Status(table.id()),
                  "Status of table '" + table.name() + "' on shard " + s);
      clock = Math.min(clock, st.clock());
      keys += st.numKeys();
      bytes += st.parameterBytes();
      state += st.stateBytes();
      duplicates += st.duplicatePushes();
    }
    return new TableStats(clock, keys, bytes, state, duplicates);
  }

  /** Asks every shard over TCP who it is. */
  public List<ShardInfo> shardInfo() {
    List<ShardInfo> out = new ArrayList<>();
    for (ShardAddress s : shards) {
      Response.Status st =
          (Response.Status) client.call(s, new Request.Status(-1), "Status of shard " + s);
      out.add(new ShardInfo(s, st.pid(), st.tables(), st.pushes()));
    }
    return out;
  }

  /**
   * The shards of {@code table} that do not answer a status request, each with the error (a refused
   * connection for a shard whose process is gone); empty if every shard answers.
   */
  public Map<ShardAddress, String> unreachable(TableHandle table) {
    Map<ShardAddress, String> out = new LinkedHashMap<>();
    for (ShardAddress s : table.shards()) {
      try {
        client.call(s, new Request.Status(-1), "Status of shard " + s);
      } catch (PsException e) {
        out.put(s, e.getMessage());
      }
    }
    return out;
  }

  private void awaitAll(List<CompletableFuture<Response>> acks, String what) {
    for (CompletableFuture<Response> f : acks) {
      client.await(f, what);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
