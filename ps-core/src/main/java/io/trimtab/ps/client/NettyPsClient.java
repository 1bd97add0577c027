package io.trimtab.ps.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.trimtab.ps.ClientOptions;
import io.trimtab.ps.PsClient;
import io.trimtab.ps.PsException;
import io.trimtab.ps.Pulled;
import io.trimtab.ps.Push;
import io.trimtab.ps.ReadMode;
import io.trimtab.ps.ShardAddress;
import io.trimtab.ps.TableHandle;
import io.trimtab.ps.partition.KeySlices;
import io.trimtab.ps.protocol.Request;
import io.trimtab.ps.protocol.Response;
import io.trimtab.ps.transport.TransportClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link PsClient} over Netty TCP: one connection per shard address, shared by all threads,
 * reopened if it closed. Thread-safe.
 */
public final class NettyPsClient implements PsClient {
  private final ClientOptions options;
  private final io.trimtab.ps.PsSecurity security;
  private final EventLoopGroup group;
  private final Map<ShardAddress, TransportClient> connections = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public NettyPsClient(ClientOptions options) {
    this(options, null);
  }

  /**
   * A client whose connections are protected by {@code security} (null: none): it proves the secret
   * to every shard (shards started with it refuse connections that do not), and encrypts if asked.
   */
  public NettyPsClient(ClientOptions options, io.trimtab.ps.PsSecurity security) {
    this.options = options;
    this.security = security;
    this.group =
        new NioEventLoopGroup(
            options.ioThreads(), new DefaultThreadFactory("trimtab-client", true));
  }

  /** The options this client was built with. */
  public ClientOptions options() {
    return options;
  }

  /** Sends one raw request to one shard (driver-side control messages). */
  public CompletableFuture<Response> send(ShardAddress shard, Request request) {
    try {
      return connection(shard).send(request);
    } catch (PsException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Blocking {@link #send} with the request timeout. */
  public Response call(ShardAddress shard, Request request, String what) {
    return await(send(shard, request), what);
  }

  /** Bytes of values one pull's answer carries at most: 64 MiB, far inside a message's limit. */
  static final int PULL_ANSWER_BYTES = 1 << 26;

  @Override
  public CompletableFuture<Pulled> pullAsync(TableHandle table, long[] keys, ReadMode mode) {
    if (keys.length == 0) {
      throw new IllegalArgumentException(
          "Pull from table '" + table.name() + "' with no keys (expected at least one)");
    }
    int width = table.spec().width();
    KeySlices slices = KeySlices.of(table.partitioner(), keys);
    double[] out = new double[keys.length * width];
    AtomicLong readClock = new AtomicLong(Long.MAX_VALUE);
    int waitMs = serverWaitMs();
    // a shard's keys in requests whose answers stay well inside a message's size limit
    int perRequest = Math.max(1, PULL_ANSWER_BYTES / (Double.BYTES * width));
    List<CompletableFuture<?>> parts = new ArrayList<>();
    for (int s = 0; s < slices.shardCount(); s++) {
      long[] shardKeys = slices.keys(s);
      for (int from = 0; from < shardKeys.length; from += perRequest) {
        int shard = s;
        int start = from;
        long[] some =
            from == 0 && shardKeys.length <= perRequest
                ? shardKeys
                : Arrays.copyOfRange(
                    shardKeys, from, Math.min(shardKeys.length, from + perRequest));
        parts.add(
            send(table.shards().get(s), new Request.Pull(table.id(), mode, waitMs, some))
                .thenAccept(
                    r -> {
                      Response.Values values = (Response.Values) r;
                      readClock.accumulateAndGet(values.clock(), Math::min);
                      slices.scatter(shard, start, values.values(), out, width);
                    }));
      }
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
        .thenApply(x -> new Pulled(out, readClock.get()));
  }

  /**
   * How long a shard lets a pull wait for its clock: the request timeout less a margin, so that the
   * shard's message (naming the slowest worker) arrives before the client gives up.
   */
  private int serverWaitMs() {
    long ms = options.requestTimeout().toMillis();
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, ms - Math.min(2000, ms / 10)));
  }

  @Override
  public CompletableFuture<Void> pushAsync(TableHandle table, Push push) {
    long[] keys = push.keys();
    int width = table.spec().width();
    if (push.deltas().length != (long) keys.length * width) {
      throw new IllegalArgumentException(
          "Push to table '"
              + table.name()
              + "': "
              + push.deltas().length
              + " values for "
              + keys.length
              + " keys of width "
              + width
              + " (expected "
              + (long) keys.length * width
              + ")");
    }
    if (!push.clocked() && keys.length == 0) {
      throw new IllegalArgumentException(
          "Push to table '" + table.name() + "' with no keys (expected at least one)");
    }
    KeySlices slices = KeySlices.of(table.partitioner(), keys);
    CompletableFuture<?>[] parts = new CompletableFuture<?>[slices.shardCount()];
    int n = 0;
    for (int s = 0; s < slices.shardCount(); s++) {
      if (slices.keys(s).length == 0 && !push.clocked()) {
        continue;
      }
      double[] deltas = slices.gather(s, push.deltas(), width);
      parts[n++] =
          send(
              table.shards().get(s),
              new Request.Push(
                  table.id(),
                  push.worker(),
                  push.clock(),
                  push.count(),
                  slices.keys(s),
                  deltas,
                  push.coWorkers()));
    }
    return CompletableFuture.allOf(Arrays.copyOf(parts, n));
  }

  @Override
  public Pulled pull(TableHandle table, long[] keys, ReadMode mode) {
    return await(
        pullAsync(table, keys, mode),
        "Pull of "
            + keys.length
            + " keys from table '"
            + table.name()
            + "'"
            + (mode.clock() > 0 ? " at clock " + mode.clock() : ""));
  }

  @Override
  public void push(TableHandle table, Push push) {
    await(
        pushAsync(table, push),
        "Push of "
            + push.keys().length
            + " keys to table '"
            + table.name()
            + "'"
            + (push.clocked() ? " for clock " + push.clock() + " by worker " + push.worker() : ""));
  }

  /**
   * Waits for {@code f} up to the request timeout.
   *
   * @throws PsException starting with {@code what} on failure or timeout
   */
  public <T> T await(CompletableFuture<T> f, String what) {
    long ms = options.requestTimeout().toMillis();
    try {
      return f.get(ms, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new PsException(what + " timed out after " + ms + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PsException(what + " was interrupted", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      if (c instanceof CompletionException && c.getCause() != null) {
        c = c.getCause();
      }
      if (c instanceof PsException pe) {
        throw new PsException(what + " failed: " + pe.getMessage(), pe);
      }
      throw new PsException(what + " failed: " + c, c);
    }
  }

  private TransportClient connection(ShardAddress address) {
    if (closed) {
      throw new PsException("Client is closed (cannot reach shard " + address + ")");
    }
    TransportClient c = connections.get(address);
    if (c != null && c.isActive()) {
      return c;
    }
    synchronized (this) {
      c = connections.get(address);
      if (c == null || !c.isActive()) {
        c =
            TransportClient.connect(
                address, group, (int) options.connectTimeout().toMillis(), security);
        connections.put(address, c);
      }
      return c;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    connections.values().forEach(TransportClient::close);
    connections.clear();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "NettyPsClient" + List.copyOf(connections.keySet());
  }
}
