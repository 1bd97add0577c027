package io.trimtab.ps;

import io.trimtab.ps.client.NettyPsClient;
import io.trimtab.ps.partition.KeyPartitioner;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.ps.protocol.Request;
import io.trimtab.ps.protocol.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control side of the parameter server (in Spark: the driver). It knows the live shards,
 * creates and drops tables, assigns each table's keys to shards through a partitioner, and sets the
 * number of workers of clocked tables. It also serves as a {@link PsClient} for driver-side pulls.
 *
 * <p>Thread-safe. Closing it closes its client connections, not the shards.
 */
public final class PsMaster implements AutoCloseable {
  private volatile List<ShardAddress> shards;
  private final NettyPsClient client;
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
  public TableHandle createTable(TableSpec spec, PartitionerKind partitioner) {
    return createTable(spec, partitioner, shards.size());
  }

  /**
   * Creates a table over the first {@code numShards} shards.
   *
   * @throws IllegalArgumentException if the name is taken or {@code numShards} is not 1 .. shards
   */
  public synchronized TableHandle createTable(
      TableSpec spec, PartitionerKind partitioner, int numShards) {
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
    List<CompletableFuture<Response>> acks = new ArrayList<>();
    for (int s = 0; s < numShards; s++) {
      acks.add(
          client.send(handle.shards().get(s), new Request.CreateTable(handle.id(), spec, s, p)));
    }
    awaitAll(acks, "Creating table '" + spec.name() + "'");
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
  public synchronized java.util.Optional<TableHandle> table(String name) {
    return java.util.Optional.ofNullable(tables.get(name));
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
    Exports all = exportAll(table);
    int n = all.keys.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Long.compare(all.keys[a], all.keys[b]));
    int w = table.spec().width();
    int sw = n == 0 ? 0 : all.state.length / n;
    long[] keys = new long[n];
    double[] values = new double[n * w];
    double[] state = new double[n * sw];
    for (int i = 0; i < n; i++) {
      int j = order[i];
      keys[i] = all.keys[j];
      System.arraycopy(all.values, j * w, values, i * w, w);
      System.arraycopy(all.state, j * sw, state, i * sw, sw);
    }
    return new TableSnapshot(all.clock, keys, values, state);
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
    TableSpec spec = table.spec();
    int n = snapshot.keys().length;
    if (snapshot.values().length != (long) n * spec.width()
        || snapshot.state().length != (long) n * spec.width() * spec.rule().stateWidth()) {
      throw new IllegalArgumentException(
          "Cannot restore table '"
              + spec.name()
              + "': the snapshot holds "
              + snapshot.values().length
              + " values and "
              + snapshot.state().length
              + " state values for "
              + n
              + " keys (expected width "
              + spec.width()
              + " and "
              + spec.rule().stateWidth()
              + " state values per value)");
    }
    if (spec.kind() == TableKind.DENSE
        && n > 0
        && (snapshot.keys()[0] < 0 || snapshot.keys()[n - 1] >= spec.dimension())) {
      throw new IllegalArgumentException(
          "Cannot restore table '"
              + spec.name()
              + "': the snapshot has keys "
              + snapshot.keys()[0]
              + " .. "
              + snapshot.keys()[n - 1]
              + " but the table's dimension is "
              + spec.dimension()
              + " (expected keys 0 .. "
              + (spec.dimension() - 1)
              + ": a model of another size)");
    }
    importAll(
        table, new Exports(snapshot.clock(), snapshot.keys(), snapshot.values(), snapshot.state()));
    List<CompletableFuture<Response>> acks = new ArrayList<>();
    for (ShardAddress s : table.shards()) {
      acks.add(
          client.send(
              s,
              new Request.SetWorkers(
                  table.id(), numWorkers, staleness.aggregatesPerClock(), snapshot.clock())));
    }
    awaitAll(acks, "Setting the restored clock of table '" + spec.name() + "'");
  }

  /**
   * Moves a table onto {@code numShards} shards with a new partitioner, between epochs: every key's
   * values and optimizer state are copied exactly, the clock carries on, and the worker count and
   * staleness are set on the new layout. The old layout is dropped only after the new one holds
   * everything; if the move fails, the old table is left as it was.
   *
   * @return the handle of the moved table (same name and spec, new id)
   */
  public synchronized TableHandle repartition(
      TableHandle table,
      PartitionerKind partitioner,
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
    Exports all = exportAll(table);
    KeyPartitioner p = partitioner.create(table.spec(), numShards);
    TableHandle moved =
        new TableHandle(nextId.getAndIncrement(), table.spec(), p, shards.subList(0, numShards));
    try {
      List<CompletableFuture<Response>> acks = new ArrayList<>();
      for (int s = 0; s < numShards; s++) {
        acks.add(
            client.send(
                moved.shards().get(s), new Request.CreateTable(moved.id(), table.spec(), s, p)));
      }
      awaitAll(acks, "Creating the new layout of table '" + table.name() + "'");
      importAll(moved, all);
      acks.clear();
      for (ShardAddress s : moved.shards()) {
        acks.add(
            client.send(
                s,
                new Request.SetWorkers(
                    moved.id(), numWorkers, staleness.aggregatesPerClock(), all.clock)));
      }
      awaitAll(acks, "Setting the clock of the new layout of table '" + table.name() + "'");
    } catch (RuntimeException e) {
      for (ShardAddress s : moved.shards()) {
        client.send(s, new Request.DropTable(moved.id()));
      }
      throw e;
    }
    List<CompletableFuture<Response>> drops = new ArrayList<>();
    for (ShardAddress s : table.shards()) {
      drops.add(client.send(s, new Request.DropTable(table.id())));
    }
    awaitAll(drops, "Dropping the old layout of table '" + table.name() + "'");
    tables.put(table.name(), moved);
    return moved;
  }

  /** Keys, values and state of all shards of a table, concatenated, and the lowest shard clock. */
  private record Exports(long clock, long[] keys, double[] values, double[] state) {}

  private Exports exportAll(TableHandle table) {
    List<CompletableFuture<Response>> parts = new ArrayList<>();
    for (ShardAddress s : table.shards()) {
      parts.add(client.send(s, new Request.Export(table.id())));
    }
    long clock = Long.MAX_VALUE;
    List<Response.Exported> got = new ArrayList<>();
    int keys = 0;
    int values = 0;
    int state = 0;
    for (CompletableFuture<Response> f : parts) {
      Response.Exported e =
          (Response.Exported) client.await(f, "Exporting table '" + table.name() + "'");
      got.add(e);
      clock = Math.min(clock, e.clock());
      keys += e.keys().length;
      values += e.values().length;
      state += e.state().length;
    }
    long[] k = new long[keys];
    double[] v = new double[values];
    double[] st = new double[state];
    int ki = 0;
    int vi = 0;
    int si = 0;
    for (Response.Exported e : got) {
      System.arraycopy(e.keys(), 0, k, ki, e.keys().length);
      System.arraycopy(e.values(), 0, v, vi, e.values().length);
      System.arraycopy(e.state(), 0, st, si, e.state().length);
      ki += e.keys().length;
      vi += e.values().length;
      si += e.state().length;
    }
    return new Exports(clock, k, v, st);
  }

  private void importAll(TableHandle table, Exports all) {
    int n = all.keys.length;
    int w = table.spec().width();
    int sw = n == 0 ? 0 : all.state.length / n;
    KeyPartitioner p = table.partitioner();
    int shardCount = p.numShards();
    int[] counts = new int[shardCount];
    int[] owner = new int[n];
    for (int i = 0; i < n; i++) {
      owner[i] = p.shardOf(all.keys[i]);
      counts[owner[i]]++;
    }
    long[][] keys = new long[shardCount][];
    double[][] values = new double[shardCount][];
    double[][] state = new double[shardCount][];
    for (int s = 0; s < shardCount; s++) {
      keys[s] = new long[counts[s]];
      values[s] = new double[counts[s] * w];
      state[s] = new double[counts[s] * sw];
    }
    int[] fill = new int[shardCount];
    for (int i = 0; i < n; i++) {
      int s = owner[i];
      int j = fill[s]++;
      keys[s][j] = all.keys[i];
      System.arraycopy(all.values, i * w, values[s], j * w, w);
      System.arraycopy(all.state, i * sw, state[s], j * sw, sw);
    }
    List<CompletableFuture<Response>> acks = new ArrayList<>();
    for (int s = 0; s < shardCount; s++) {
      acks.add(
          client.send(
              table.shards().get(s), new Request.Import(table.id(), keys[s], values[s], state[s])));
    }
    awaitAll(acks, "Importing table '" + table.name() + "' into its new layout");
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
      out.add(new ShardInfo(s, st.pid(), st.tables()));
    }
    return out;
  }

  /**
   * The shards of {@code table} that do not answer a status request, each with the error (a refused
   * connection for a shard whose process is gone); empty if every shard answers.
   */
  public java.util.Map<ShardAddress, String> unreachable(TableHandle table) {
    java.util.Map<ShardAddress, String> out = new java.util.LinkedHashMap<>();
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
