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
  private final List<ShardAddress> shards;
  private final NettyPsClient client;
  private final Map<String, TableHandle> tables = new LinkedHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger();

  /**
   * @param shards the live shards, in a fixed order; a table over n shards uses the first n
   * @throws IllegalArgumentException if {@code shards} is empty
   */
  public PsMaster(List<ShardAddress> shards, ClientOptions options) {
    if (shards == null || shards.isEmpty()) {
      throw new IllegalArgumentException("A parameter server needs at least one shard (got none)");
    }
    this.shards = List.copyOf(shards);
    this.client = new NettyPsClient(options);
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
  public synchronized TableHandle createTable(TableSpec spec, PartitionerKind partitioner, int numShards) {
    if (numShards < 1 || numShards > shards.size()) {
      throw new IllegalArgumentException("Invalid shard count for table '" + spec.name() + "': " + numShards
          + " (must be 1 .. " + shards.size() + ", the number of live shards)");
    }
    if (tables.containsKey(spec.name())) {
      throw new IllegalArgumentException("Table '" + spec.name() + "' already exists (drop it first or pick another name)");
    }
    KeyPartitioner p = partitioner.create(spec, numShards);
    TableHandle handle = new TableHandle(nextId.getAndIncrement(), spec, p, shards.subList(0, numShards));
    List<CompletableFuture<Response>> acks = new ArrayList<>();
    for (int s = 0; s < numShards; s++) {
      acks.add(client.send(handle.shards().get(s), new Request.CreateTable(handle.id(), spec, s, p)));
    }
    awaitAll(acks, "Creating table '" + spec.name() + "'");
    tables.put(spec.name(), handle);
    return handle;
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
   * Sets, between epochs, how many workers push to {@code table} per clock (clocked pushes come from
   * workers 0 .. n-1, each in clock order) and how the shards apply them: per clock (BSP) or on
   * arrival (SSP, ASP). The table clock carries on.
   *
   * @throws PsException if a shard is in the middle of a clock (some workers pushed, others not)
   */
  public void setWorkers(TableHandle table, int numWorkers, StalenessBound staleness) {
    if (numWorkers < 0) {
      throw new IllegalArgumentException("Invalid worker count: " + numWorkers + " (must be >= 0)");
    }
    List<CompletableFuture<Response>> acks = new ArrayList<>();
    for (ShardAddress s : table.shards()) {
      acks.add(client.send(s, new Request.SetWorkers(table.id(), numWorkers, staleness.aggregatesPerClock())));
    }
    awaitAll(acks, "Setting " + numWorkers + " workers (" + staleness + ") on table '" + table.name() + "'");
  }

  /** The table's clock, key count and memory, summed over its shards. */
  public TableStats stats(TableHandle table) {
    long clock = Long.MAX_VALUE;
    long keys = 0;
    long bytes = 0;
    long state = 0;
    for (ShardAddress s : table.shards()) {
      Response.Status st = (Response.Status) client.call(s, new Request.Status(table.id()),
          "Status of table '" + table.name() + "' on shard " + s);
      clock = Math.min(clock, st.clock());
      keys += st.numKeys();
      bytes += st.parameterBytes();
      state += st.stateBytes();
    }
    return new TableStats(clock, keys, bytes, state);
  }

  /** Asks every shard over TCP who it is. */
  public List<ShardInfo> shardInfo() {
    List<ShardInfo> out = new ArrayList<>();
    for (ShardAddress s : shards) {
      Response.Status st = (Response.Status) client.call(s, new Request.Status(-1), "Status of shard " + s);
      out.add(new ShardInfo(s, st.pid(), st.tables()));
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
