package io.trimtab.ps.server;

import io.trimtab.ps.ClientOptions;
import io.trimtab.ps.KeyPartitioner;
import io.trimtab.ps.PartFiles;
import io.trimtab.ps.PsSecurity;
import io.trimtab.ps.ShardAddress;
import io.trimtab.ps.checkpoint.PartFormat;
import io.trimtab.ps.checkpoint.PartInfo;
import io.trimtab.ps.client.NettyPsClient;
import io.trimtab.ps.protocol.Request;
import io.trimtab.ps.protocol.Response;
import io.trimtab.ps.transport.RequestHandler.Responder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Moves whole table parts out of and into one shard without the driver: writes a part to a file,
 * reads parts from files (keeping the keys this shard owns), and streams a part to the shards of a
 * new layout a chunk at a time (at most {@link #CHUNK_DOUBLES} doubles per target shard), so memory
 * stays bounded by a chunk whatever the table's size. Runs on its own thread, since file and
 * network transfers must not block the I/O threads; callers transfer between epochs, when no worker
 * pushes.
 */
final class PartTransfers implements AutoCloseable {
  /** Doubles (values and state) per import of a move: 512 KiB per request. */
  static final int CHUNK_DOUBLES = 1 << 16;

  private final PartFiles files;
  private final PsSecurity security;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "trimtab-shard-transfers");
            t.setDaemon(true);
            return t;
          });

  /** Connects this shard to the shards of a new layout, made on the first move. */
  private NettyPsClient client;

  PartTransfers(PartFiles files, PsSecurity security) {
    this.files = files;
    this.security = security;
  }

  /** Runs {@code r} on the transfer thread and replies with its result, or its failure. */
  void submit(Responder responder, Transfer r) {
    thread.execute(
        () -> {
          Response out;
          try {
            out = r.run();
          } catch (Exception e) {
            out = new Response.Failure(e.getMessage() == null ? e.toString() : e.getMessage());
          }
          responder.reply(out);
        });
  }

  /** A transfer's work. */
  interface Transfer {
    Response run() throws Exception;
  }

  /** Writes {@code part} to {@code uri}. */
  Response write(TablePart part, String uri) throws IOException {
    synchronized (part) {
      OutputStream out;
      try {
        out = files.create(uri);
      } catch (IOException e) {
        throw new IOException(
            "Cannot write " + part.describe() + " to " + uri + ": " + e.getMessage(), e);
      }
      try (PartFormat.Writer w =
          new PartFormat.Writer(
              out, uri, part.width, part.stateWidth(), part.clock(), part.numKeys())) {
        part.forEachKey(w::key);
        PartInfo info = w.finish();
        return new Response.PartWritten(
            part.clock(), info.keys(), info.bytes(), info.crc(), info.minKey(), info.maxKey());
      }
    }
  }

  /** Reads the parts at {@code uris} into {@code part}, keeping the keys it owns. */
  Response read(TablePart part, String[] uris) throws IOException {
    long[] kept = {0};
    long read = 0;
    synchronized (part) {
      part.beginLoad();
      for (String uri : uris) {
        long[] n = {0};
        try (InputStream in = files.open(uri)) {
          PartFormat.read(
              in,
              uri,
              part.width,
              part.stateWidth(),
              (key, values, state) -> {
                n[0]++;
                if (part.load(key, values, state)) {
                  kept[0]++;
                }
              });
        } catch (IOException e) {
          throw new IOException(
              "Cannot read model part " + uri + " into " + part.describe() + ": " + e.getMessage(),
              e);
        }
        read += n[0];
      }
    }
    return new Response.PartsRead(read, kept[0]);
  }

  /**
   * Sends every key of {@code part} to its owner among {@code to} as imports into table {@code
   * newTableId}, a chunk at a time, each chunk acknowledged before the next is read.
   */
  Response move(TablePart part, int newTableId, KeyPartitioner partitioner, List<ShardAddress> to)
      throws IOException {
    if (to.size() != partitioner.numShards()) {
      throw new IllegalArgumentException(
          "Move of "
              + part.describe()
              + ": "
              + to.size()
              + " shards for a partitioner of "
              + partitioner.numShards()
              + " (expected one per shard)");
    }
    NettyPsClient c = client();
    synchronized (part) {
      Chunks chunks = new Chunks(c, part, newTableId, partitioner, to);
      part.forEachKey(chunks::add);
      chunks.flush();
      return new Response.Moved(part.clock(), chunks.sent);
    }
  }

  private synchronized NettyPsClient client() {
    if (client == null) {
      client = new NettyPsClient(ClientOptions.defaults(), security);
    }
    return client;
  }

  /** Per target shard, the keys, values and state gathered for its next import. */
  private static final class Chunks {
    private final NettyPsClient client;
    private final TablePart part;
    private final int tableId;
    private final KeyPartitioner partitioner;
    private final List<ShardAddress> to;
    private final int sw;
    private final long[][] keys;
    private final double[][] values;
    private final double[][] state;
    private final int[] fill;
    private final int chunk;
    private int total;
    long sent;

    Chunks(
        NettyPsClient client,
        TablePart part,
        int tableId,
        KeyPartitioner partitioner,
        List<ShardAddress> to) {
      this.client = client;
      this.part = part;
      this.tableId = tableId;
      this.partitioner = partitioner;
      this.to = to;
      this.sw = part.stateWidth();
      int n = to.size();
      chunk = Math.max(1, CHUNK_DOUBLES / (part.width + sw));
      keys = new long[n][chunk];
      values = new double[n][chunk * part.width];
      state = new double[n][chunk * sw];
      fill = new int[n];
    }

    void add(long key, double[] v, int vAt, double[] s, int sAt) {
      int owner = partitioner.shardOf(key);
      int i = fill[owner]++;
      keys[owner][i] = key;
      System.arraycopy(v, vAt, values[owner], i * part.width, part.width);
      if (sw > 0) {
        System.arraycopy(s, sAt, state[owner], i * sw, sw);
      }
      // a flush when any target's chunk is full, and at the latest after one chunk of keys in all
      if (fill[owner] == chunk || ++total == chunk) {
        flush();
      }
    }

    /** Sends what is gathered and waits for every shard's acknowledgement. */
    void flush() {
      List<CompletableFuture<Response>> acks = new ArrayList<>();
      for (int s = 0; s < to.size(); s++) {
        int n = fill[s];
        if (n == 0) {
          continue;
        }
        acks.add(
            client.send(
                to.get(s),
                new Request.Import(
                    tableId,
                    Arrays.copyOf(keys[s], n),
                    Arrays.copyOf(values[s], n * part.width),
                    Arrays.copyOf(state[s], n * sw))));
        sent += n;
        fill[s] = 0;
      }
      total = 0;
      for (CompletableFuture<Response> f : acks) {
        client.await(f, "Moving " + part.describe() + " to its new layout");
      }
    }
  }

  @Override
  public synchronized void close() {
    thread.shutdownNow();
    if (client != null) {
      client.close();
    }
  }
}
