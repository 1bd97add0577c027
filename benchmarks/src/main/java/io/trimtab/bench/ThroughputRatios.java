package io.trimtab.bench;

import io.trimtab.ps.PsClient;
import io.trimtab.ps.Push;
import io.trimtab.ps.ReadMode;
import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.tune.EpochMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The throughput ratios, each side measured in the same run: P4's denominator (a bare
 * single-threaded SGD loop over a dense weight array, run in a task on an executor, on the first
 * training rows) and P5 (the parameter server's push and pull bytes per second for large batches
 * against raw loopback TCP bytes per second).
 */
final class ThroughputRatios {
  private ThroughputRatios() {}

  /**
   * P4 (a worker's examples/s per core in the second epoch, against the bare loop) and P5 (the
   * parameter server's bytes/s against raw loopback TCP), measured after the fit.
   */
  static void print(SparkSession spark, ScaleOptions o, List<EpochMetrics> epochs) {
    int slots = Trimtab.parameterServer(spark).taskSlots();
    EpochMetrics steady = epochs.get(Math.min(1, epochs.size() - 1));
    double perCore = steady.examplesPerSecond() / slots;
    if (o.bits <= 30) {
      double bare = ThroughputRatios.bareExamplesPerSecond(spark, o.data(), o.bareRows);
      System.out.printf(
          Locale.ROOT,
          "P4: epoch %d at %,.0f examples/s on %d task slots (%,.0f per core) against a bare"
              + " single-threaded SGD loop over a dense array of 2^%d weights on %,d of the rows,"
              + " in an executor: %,.0f examples/s; P4 = %.3f%n",
          steady.epoch(),
          steady.examplesPerSecond(),
          slots,
          perCore,
          o.bits,
          o.bareRows,
          bare,
          perCore / bare);
    }
    for (boolean sparse : new boolean[] {true, false}) {
      ThroughputRatios.Wire w =
          ThroughputRatios.wire(Trimtab.parameterServer(spark), o.wireKeys, 9, sparse);
      System.out.printf(
          Locale.ROOT,
          "P5 (%s table): push then pull of %,d keys from the driver to %d shards: %.0f MiB/s of"
              + " payload against %.0f MiB/s over one raw loopback socket (medians of 9 rounds);"
              + " P5 = %.3f%n",
          sparse ? "sparse, hashed keys" : "dense, keys 0 .. n-1",
          w.keys(),
          Trimtab.parameterServer(spark).numShards(),
          w.psBytesPerSecond() / 1048576.0,
          w.tcpBytesPerSecond() / 1048576.0,
          w.ratio());
    }
  }

  /**
   * Examples per second of {@link FoundationBenchmark#bare} (its first epoch a warm-up) on rows
   * {@code [0, rows)} of {@code spec}, in one task on an executor: the floor a worker's examples/s
   * per core is compared with.
   *
   * @throws IllegalArgumentException if the space is past an int array (bits > 30)
   */
  static double bareExamplesPerSecond(SparkSession spark, WideFrames.Spec spec, int rows) {
    if (spec.bits() > 30) {
      throw new IllegalArgumentException(
          "The bare loop keeps a dense array of 2^"
              + spec.bits()
              + " weights (expected bits <= 30)");
    }
    return JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(List.of(0), 1)
        .map(
            p -> {
              WideClickData data = spec.data();
              int[][] idx = new int[rows][];
              double[][] val = new double[rows][];
              double[] labels = new double[rows];
              long[] buf = new long[data.nnz()];
              double[] ones = new double[data.nnz()];
              Arrays.fill(ones, 1.0);
              for (int i = 0; i < rows; i++) {
                labels[i] = data.row(i, buf);
                idx[i] = Arrays.stream(buf).mapToInt(Math::toIntExact).toArray();
                val[i] = ones;
              }
              return FoundationBenchmark.bare(idx, val, labels, (int) data.numFeatures(), 3)
                  .examplesPerSecond();
            })
        .first();
  }

  /** P5's two sides, bytes per second (medians of the rounds). */
  record Wire(double psBytesPerSecond, double tcpBytesPerSecond, int keys) {
    double ratio() {
      return psBytesPerSecond / tcpBytesPerSecond;
    }
  }

  /**
   * Pushes {@code keys} keys (one value each) to a scratch table over every shard, then pulls them,
   * {@code rounds} times from the driver; each round moves 32 bytes of payload a key (push: key and
   * value; pull: the key, then the value back). The same bytes then go over one plain loopback
   * socket in 64 KiB writes to a thread that reads and discards them.
   *
   * @param sparse random 64-bit keys in a sparse table (a hash lookup per key on the shards), or
   *     keys 0 .. n-1 in a dense one (an array index): the shards' own share of the cost
   */
  static Wire wire(ParameterServer ps, int keys, int rounds, boolean sparse) {
    SplittableRandom rnd = new SplittableRandom(5);
    long[] k =
        sparse
            ? rnd.longs(keys).distinct().sorted().toArray()
            : java.util.stream.LongStream.range(0, keys).toArray();
    double[] v = rnd.doubles(k.length).toArray();
    String name = "p5-" + UUID.randomUUID();
    TableHandle t =
        ps.createTable(
            sparse
                ? TableSpec.sparse(name, 1, UpdateRule.add())
                : TableSpec.dense(name, keys, 1, UpdateRule.add()),
            PartitionerKind.HASH);
    PsClient client = ps.client();
    double[] psRates = new double[rounds];
    double[] tcpRates = new double[rounds];
    long bytes = 32L * k.length;
    try {
      client.push(t, Push.unclocked(k, v)); // the keys exist before the first timed round
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        client.push(t, Push.unclocked(k, v));
        client.pull(t, k, ReadMode.latest());
        psRates[r] = bytes / ((System.nanoTime() - t0) / 1e9);
        tcpRates[r] = bytes / loopbackSeconds(bytes);
      }
    } finally {
      ps.dropTable(t);
    }
    return new Wire(new Median().evaluate(psRates), new Median().evaluate(tcpRates), k.length);
  }

  /** Seconds to send {@code bytes} over a loopback socket to a reader that acknowledges the end. */
  private static double loopbackSeconds(long bytes) {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread reader =
          new Thread(
              () -> {
                try (Socket s = server.accept();
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream()) {
                  byte[] buf = new byte[1 << 16];
                  long left = bytes;
                  while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                      throw new IOException("Loopback stream ended early");
                    }
                    left -= n;
                  }
                  out.write(1);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              "p5-loopback-reader");
      reader.start();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
          OutputStream out = s.getOutputStream();
          InputStream in = s.getInputStream()) {
        byte[] buf = new byte[1 << 16];
        long t0 = System.nanoTime();
        long left = bytes;
        while (left > 0) {
          int n = (int) Math.min(buf.length, left);
          out.write(buf, 0, n);
          left -= n;
        }
        out.flush();
        if (in.read() != 1) {
          throw new IOException("No acknowledgement from the loopback reader");
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        reader.join();
        return secs;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
