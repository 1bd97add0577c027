package io.trimtab.ps.master;

import io.trimtab.ps.KeyPartitioner;
import io.trimtab.ps.ShardAddress;
import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableKind;
import io.trimtab.ps.TableSnapshot;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.client.NettyPsClient;
import io.trimtab.ps.partition.KeySlices;
import io.trimtab.ps.protocol.Request;
import io.trimtab.ps.protocol.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Copies a table's keys, values, optimizer state and clock out of its shards and into a layout:
 * snapshots, restores from a snapshot, and moves to another layout. Keys are sliced for their new
 * shards by {@link KeySlices}, as the client slices requests.
 *
 * <p>Thread-safe as far as its client is; a move of a table must not overlap pushes to it (callers
 * move between epochs).
 */
final class TableMover {
  private final NettyPsClient client;

  TableMover(NettyPsClient client) {
    this.client = client;
  }

  /** Creates {@code table}'s part on each of its shards. */
  void createParts(TableHandle table, String what) {
    List<CompletableFuture<Response>> acks = new ArrayList<>();
    for (int s = 0; s < table.shards().size(); s++) {
      acks.add(
          client.send(
              table.shards().get(s),
              new Request.CreateTable(table.id(), table.spec(), s, table.partitioner())));
    }
    awaitAll(acks, what);
  }

  /** Every key of the table with its values and optimizer state, sorted by key. */
  TableSnapshot snapshot(TableHandle table) {
    Exports all = exportAll(table);
    int n = all.keys.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(all.keys[a], all.keys[b]));
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

  /** See {@link PsMaster#restore}. */
  void restore(
      TableHandle table, TableSnapshot snapshot, int numWorkers, StalenessBound staleness) {
    TableSpec spec = table.spec();
    int n = snapshot.keys().length;
    int stateWidth = spec.rule().stateWidth();
    if (snapshot.values().length != (long) n * spec.width()
        || snapshot.state().length != (long) n * spec.width() * stateWidth) {
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
              + stateWidth
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
    setClock(
        table,
        numWorkers,
        staleness,
        snapshot.clock(),
        "Setting the restored clock of table '" + spec.name() + "'");
  }

  /**
   * Copies {@code table} into {@code moved} (a new layout of it, not yet created), then drops the
   * old layout; if the copy fails, the new layout is dropped and the old one left as it was.
   */
  void move(TableHandle table, TableHandle moved, int numWorkers, StalenessBound staleness) {
    Exports all = exportAll(table);
    try {
      createParts(moved, "Creating the new layout of table '" + table.name() + "'");
      importAll(moved, all);
      setClock(
          moved,
          numWorkers,
          staleness,
          all.clock,
          "Setting the clock of the new layout of table '" + table.name() + "'");
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
    KeySlices slices = KeySlices.of(p, all.keys);
    List<CompletableFuture<Response>> acks = new ArrayList<>();
    for (int s = 0; s < slices.shardCount(); s++) {
      acks.add(
          client.send(
              table.shards().get(s),
              new Request.Import(
                  table.id(),
                  slices.keys(s),
                  slices.gather(s, all.values, w),
                  slices.gather(s, all.state, sw))));
    }
    awaitAll(acks, "Importing table '" + table.name() + "' into its new layout");
  }

  private void setClock(
      TableHandle table, int numWorkers, StalenessBound staleness, long clock, String what) {
    List<CompletableFuture<Response>> acks = new ArrayList<>();
    for (ShardAddress s : table.shards()) {
      acks.add(
          client.send(
              s,
              new Request.SetWorkers(
                  table.id(), numWorkers, staleness.aggregatesPerClock(), clock)));
    }
    awaitAll(acks, what);
  }

  private void awaitAll(List<CompletableFuture<Response>> acks, String what) {
    for (CompletableFuture<Response> f : acks) {
      client.await(f, what);
    }
  }
}
