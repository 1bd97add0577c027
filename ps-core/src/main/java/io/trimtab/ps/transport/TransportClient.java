package io.trimtab.ps.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.trimtab.ps.PsException;
import io.trimtab.ps.ShardAddress;
import io.trimtab.ps.protocol.Codec;
import io.trimtab.ps.protocol.Request;
import io.trimtab.ps.protocol.Response;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP connection to a shard server. {@link #send} is asynchronous: it returns a future that
 * completes with the server's response, or exceptionally with a {@link PsException} when the
 * connection fails or closes. A {@link Response.Failure} is turned into a failed future.
 * Thread-safe: many threads may send over one connection; responses are matched to requests by id.
 */
public final class TransportClient implements AutoCloseable {
  private final ShardAddress address;
  private final Channel channel;
  private final AtomicLong nextId = new AtomicLong();
  private final Map<Long, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();

  private TransportClient(ShardAddress address, Channel channel) {
    this.address = address;
    this.channel = channel;
  }

  /**
   * Connects to {@code address}, waiting at most {@code connectTimeoutMs}.
   *
   * @throws PsException naming the address if the connection fails or times out
   */
  public static TransportClient connect(
      ShardAddress address, EventLoopGroup group, int connectTimeoutMs) {
    return connect(address, group, connectTimeoutMs, null);
  }

  /**
   * As {@link #connect(ShardAddress, EventLoopGroup, int)}; with {@code security}, proves its
   * secret to the shard ({@link Auth}), and sets up encryption if it says so, before returning.
   *
   * @throws PsException naming the address if the shard refuses the secret or does not ask for one
   */
  public static TransportClient connect(
      ShardAddress address,
      EventLoopGroup group,
      int connectTimeoutMs,
      io.trimtab.ps.PsSecurity security) {
    ClientHandler handler = new ClientHandler(address);
    Auth.ClientHandler auth = security == null ? null : new Auth.ClientHandler(security);
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast("frameDecoder", Frames.decoder());
                    if (auth != null) {
                      ch.pipeline().addLast("auth", auth);
                    }
                    ch.pipeline().addLast("handler", handler);
                  }
                });
    ChannelFuture f = b.connect(address.host(), address.port());
    if (!f.awaitUninterruptibly(connectTimeoutMs + 1000L)) {
      f.cancel(true);
      throw new PsException(
          String.format("Connecting to shard %s timed out (%d ms)", address, connectTimeoutMs));
    }
    if (!f.isSuccess()) {
      throw new PsException(
          "Connecting to shard " + address + " failed: " + f.cause().getMessage(), f.cause());
    }
    TransportClient client = new TransportClient(address, f.channel());
    handler.client = client;
    if (auth != null) {
      try {
        auth.done.get(connectTimeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        f.channel().close();
        throw new PsException(
            String.format(
                "Authenticating to shard %s timed out (%d ms; does the shard use "
                    + "spark.authenticate like this client?)",
                address, connectTimeoutMs));
      } catch (java.util.concurrent.ExecutionException e) {
        f.channel().close();
        throw new PsException(
            "Shard " + address + " refused authentication: " + e.getCause().getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        f.channel().close();
        throw new PsException("Interrupted while authenticating to shard " + address, e);
      }
    }
    return client;
  }

  /** Where this client is connected. */
  public ShardAddress address() {
    return address;
  }

  /** Whether the connection is open. */
  public boolean isActive() {
    return channel.isActive();
  }

  /** Sends {@code request}; the future completes with the response. Never blocks. */
  public CompletableFuture<Response> send(Request request) {
    CompletableFuture<Response> result = new CompletableFuture<>();
    if (!channel.isActive()) {
      result.completeExceptionally(
          new PsException("Connection to shard " + address + " is closed"));
      return result;
    }
    long id = nextId.incrementAndGet();
    pending.put(id, result);
    ByteBuf buf;
    try {
      buf = Frames.frame(channel.alloc(), out -> Codec.encodeRequest(id, request, out));
    } catch (RuntimeException e) {
      pending.remove(id);
      result.completeExceptionally(e);
      return result;
    }
    channel
        .writeAndFlush(buf)
        .addListener(
            w -> {
              if (!w.isSuccess()) {
                CompletableFuture<Response> f = pending.remove(id);
                if (f != null) {
                  f.completeExceptionally(
                      new PsException(
                          "Sending to shard " + address + " failed: " + w.cause(), w.cause()));
                }
              }
            });
    return result;
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5000);
    failAll("Connection to shard " + address + " was closed by the client");
  }

  private void failAll(String message) {
    for (Long id : pending.keySet()) {
      CompletableFuture<Response> f = pending.remove(id);
      if (f != null) {
        f.completeExceptionally(new PsException(message));
      }
    }
  }

  private static final class ClientHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private final ShardAddress address;
    volatile TransportClient client;

    ClientHandler(ShardAddress address) {
      this.address = address;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
      Codec.Frame<Response> frame = Codec.decodeResponse(msg);
      CompletableFuture<Response> f = client.pending.remove(frame.requestId());
      if (f == null) {
        return;
      }
      if (frame.message() instanceof Response.Failure failure) {
        f.completeExceptionally(new PsException("Shard " + address + ": " + failure.message()));
      } else {
        f.complete(frame.message());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      TransportClient c = client;
      if (c != null) {
        c.failAll("Connection to shard " + address + " closed");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      org.slf4j.LoggerFactory.getLogger(TransportClient.class)
          .warn("Closing connection to shard {} after an error", address, cause);
      TransportClient c = client;
      if (c != null) {
        c.failAll("Connection to shard " + address + " failed: " + cause.getMessage());
      }
      ctx.close();
    }
  }
}
