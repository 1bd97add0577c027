package io.trimtab.ps.master;

import io.trimtab.ps.KeyPartitioner;
import io.trimtab.ps.ShardAddress;
import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableKind;
import io.trimtab.ps.TableSnapshot;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.checkpoint.Manifest;
import io.trimtab.ps.checkpoint.PartInfo;
import io.trimtab.ps.client.NettyPsClient;
import io.trimtab.ps.partition.KeySlices;
import io.trimtab.ps.protocol.Request;
import io.trimtab.ps.protocol.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Copies a table's keys, values, optimizer state and clock out of its shards and into a layout. The
 * whole-table paths have the shards do the work, so no whole model passes through this process:
 * moves to another layout (shard to shard), checkpoint parts written and read by the shards. Small
 * tables also go through here as snapshots and restores from a snapshot (tests, audits, starting
 * values), their keys sliced for their shards by {@link KeySlices} as the client slices requests.
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
   * old layout; if the copy fails, the new layout is dropped and the old one left as it was. Each
   * old shard streams its keys to their new owners itself, a bounded chunk at a time: nothing
   * passes through this process.
   */
  void move(TableHandle table, TableHandle moved, int numWorkers, StalenessBound staleness) {
    String what = "Moving table '" + table.name() + "' to its new layout";
    try {
      createParts(moved, "Creating the new layout of table '" + table.name() + "'");
      List<CompletableFuture<Response>> sent = new ArrayList<>();
      for (ShardAddress s : table.shards()) {
        sent.add(
            client.send(
                s,
                new Request.MoveTo(table.id(), moved.id(), moved.partitioner(), moved.shards())));
      }
      long clock = Long.MAX_VALUE;
      long keys = 0;
      for (CompletableFuture<Response> f : sent) {
        Response.Moved m = (Response.Moved) client.await(f, what);
        clock = Math.min(clock, m.clock());
        keys += m.keys();
      }
      long arrived = countKeys(moved, what);
      if (arrived != keys) {
        throw new IllegalStateException(
            what + ": " + keys + " keys sent, " + arrived + " arrived (expected all)");
      }
      setClock(
          moved,
          numWorkers,
          staleness,
          clock,
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

  /**
   * Has every shard of {@code table} write its own part into {@code dir} ({@code part-NNNNN}, in
   * parallel, straight to the file system) and returns the manifest that makes them one checkpoint
   * of epoch {@code epoch}; the caller writes it after this returns.
   *
   * @throws IllegalStateException if the shards are at different clocks (a worker is inside a
   *     clock: checkpoints are taken between epochs)
   */
  Manifest writeParts(TableHandle table, long epoch, String dir) {
    List<CompletableFuture<Response>> written = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int s = 0; s < table.shards().size(); s++) {
      String name = String.format(Locale.ROOT, "part-%05d", s);
      names.add(name);
      written.add(
          client.send(table.shards().get(s), new Request.WritePart(table.id(), dir + "/" + name)));
    }
    List<PartInfo> parts = new ArrayList<>();
    long clock = -1;
    for (int s = 0; s < written.size(); s++) {
      Response.PartWritten w =
          (Response.PartWritten)
              client.await(
                  written.get(s),
                  "Writing shard " + s + "'s part of table '" + table.name() + "' to " + dir);
      if (clock >= 0 && w.clock() != clock) {
        throw new IllegalStateException(
            "Checkpoint of table '"
                + table.name()
                + "': its shards are at clocks "
                + clock
                + " and "
                + w.clock()
                + " (expected one clock: checkpoints are taken between epochs)");
      }
      clock = w.clock();
      parts.add(new PartInfo(names.get(s), w.keys(), w.bytes(), w.crc(), w.minKey(), w.maxKey()));
    }
    KeyPartitioner p = table.partitioner();
    return new Manifest(table.spec(), epoch, clock, p.name(), p.params(), parts);
  }

  /**
   * Has the shards of {@code table} (created empty) read the parts {@code manifest} lists from
   * {@code dir}, each keeping the keys it owns: its own part when the layout is the one that wrote
   * them, every part otherwise (re-sliced). Then sets the clock, from which training carries on.
   *
   * @throws IllegalArgumentException if the parts do not fit the table (another width, update rule
   *     or, for a dense table, keys beyond its dimension) or not every key found an owner
   */
  void readParts(
      TableHandle table, Manifest manifest, String dir, int numWorkers, StalenessBound staleness) {
    TableSpec spec = table.spec();
    if (spec.kind() == TableKind.DENSE && manifest.maxKey() >= spec.dimension()) {
      throw new IllegalArgumentException(
          "Cannot restore table '"
              + spec.name()
              + "' from "
              + dir
              + ": it has keys up to "
              + manifest.maxKey()
              + " but the table's dimension is "
              + spec.dimension()
              + " (expected keys 0 .. "
              + (spec.dimension() - 1)
              + ": a model of another size)");
    }
    KeyPartitioner p = table.partitioner();
    boolean sameLayout =
        p.name().equals(manifest.partitioner())
            && Arrays.equals(p.params(), manifest.partitionerParams())
            && manifest.parts().size() == table.shards().size();
    String[] all = manifest.parts().stream().map(i -> dir + "/" + i.file()).toArray(String[]::new);
    List<CompletableFuture<Response>> reads = new ArrayList<>();
    for (int s = 0; s < table.shards().size(); s++) {
      String[] uris = sameLayout ? new String[] {all[s]} : all;
      reads.add(client.send(table.shards().get(s), new Request.ReadParts(table.id(), uris)));
    }
    long kept = 0;
    for (CompletableFuture<Response> f : reads) {
      kept +=
          ((Response.PartsRead)
                  client.await(f, "Restoring table '" + spec.name() + "' from " + dir))
              .keysKept();
    }
    if (kept != manifest.keys()) {
      throw new IllegalStateException(
          "Restoring table '"
              + spec.name()
              + "' from "
              + dir
              + ": its shards kept "
              + kept
              + " of the checkpoint's "
              + manifest.keys()
              + " keys (expected each key kept by exactly one shard)");
    }
    setClock(
        table,
        numWorkers,
        staleness,
        manifest.clock(),
        "Setting the restored clock of table '" + spec.name() + "'");
  }

  private long countKeys(TableHandle table, String what) {
    long n = 0;
    for (ShardAddress s : table.shards()) {
      n += ((Response.Status) client.call(s, new Request.Status(table.id()), what)).numKeys();
    }
    return n;
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
