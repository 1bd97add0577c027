package io.trimtab.ps.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.trimtab.ps.PsException;
import io.trimtab.ps.protocol.Codec;
import io.trimtab.ps.protocol.Request;
import io.trimtab.ps.protocol.Response;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP server that decodes request frames and hands them to a {@link RequestHandler}. It binds in
 * its constructor and releases its threads if binding fails. {@link #close()} is idempotent and
 * waits a bounded time. The pipeline is {@code frame decoder -> [authentication] -> request
 * handler}.
 */
public final class TransportServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransportServer.class);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;
  private final InetSocketAddress address;
  private volatile boolean closed;

  /**
   * Binds {@code host:port} (port 0 picks a free port).
   *
   * @param ioThreads Netty I/O threads serving connections, >= 1
   * @throws PsException if the address cannot be bound
   */
  public TransportServer(String host, int port, int ioThreads, RequestHandler handler) {
    this(host, port, ioThreads, handler, null);
  }

  /**
   * Binds {@code host:port}; with {@code security}, every connection must prove its secret ({@link
   * Auth}) before any request is decoded, and is then encrypted if it says so.
   */
  public TransportServer(
      String host,
      int port,
      int ioThreads,
      RequestHandler handler,
      io.trimtab.ps.PsSecurity security) {
    this(host, port, ioThreads, handler, security, b -> {}, b -> {});
  }

  /**
   * As above, telling {@code received} the bytes of every request frame and {@code sent} those of
   * every response frame (length prefixes included), on the I/O threads.
   */
  public TransportServer(
      String host,
      int port,
      int ioThreads,
      RequestHandler handler,
      io.trimtab.ps.PsSecurity security,
      java.util.function.LongConsumer received,
      java.util.function.LongConsumer sent) {
    if (ioThreads < 1) {
      throw new IllegalArgumentException(
          "Invalid I/O thread count: " + ioThreads + " (must be >= 1)");
    }
    boss = new NioEventLoopGroup(1, new DefaultThreadFactory("trimtab-shard-accept", true));
    workers = new NioEventLoopGroup(ioThreads, new DefaultThreadFactory("trimtab-shard-io", true));
    try {
      ServerBootstrap b =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.SO_KEEPALIVE, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast("frameDecoder", Frames.decoder());
                      if (security != null) {
                        ch.pipeline().addLast("auth", new Auth.ServerHandler(security));
                      }
                      ch.pipeline().addLast("handler", new ServerHandler(handler, received, sent));
                    }
                  });
      channel = b.bind(host, port).syncUninterruptibly().channel();
      address = (InetSocketAddress) channel.localAddress();
    } catch (RuntimeException e) {
      shutdownGroups();
      throw new PsException(
          "Cannot bind shard server to " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** The bound port. */
  public int port() {
    return address.getPort();
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    channel.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
    shutdownGroups();
  }

  private void shutdownGroups() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  private static final class ServerHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private final RequestHandler handler;
    private final java.util.function.LongConsumer received;
    private final java.util.function.LongConsumer sent;

    ServerHandler(
        RequestHandler handler,
        java.util.function.LongConsumer received,
        java.util.function.LongConsumer sent) {
      this.handler = handler;
      this.received = received;
      this.sent = sent;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
      received.accept(msg.readableBytes() + (long) Integer.BYTES);
      Codec.Frame<Request> frame;
      try {
        frame = Codec.decodeRequest(msg);
      } catch (RuntimeException e) {
        LOG.warn(
            "Closing connection from {}: undecodable request: {}",
            ctx.channel().remoteAddress(),
            e.toString());
        ctx.close();
        return;
      }
      long id = frame.requestId();
      Channel ch = ctx.channel();
      RequestHandler.Responder responder =
          response -> {
            ByteBuf out;
            try {
              out = Frames.frame(ch.alloc(), buf -> Codec.encodeResponse(id, response, buf));
            } catch (IllegalArgumentException tooLarge) {
              // an answer over the frame limit: the client gets why, not a closed connection
              Response.Failure f = new Response.Failure(tooLarge.getMessage());
              out = Frames.frame(ch.alloc(), buf -> Codec.encodeResponse(id, f, buf));
            }
            sent.accept(out.readableBytes());
            ch.writeAndFlush(out);
          };
      try {
        handler.handle(frame.message(), responder);
      } catch (RuntimeException e) {
        responder.reply(
            new Response.Failure(e.getMessage() == null ? e.toString() : e.getMessage()));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof java.io.IOException) {
        LOG.debug("Connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      } else {
        LOG.warn("Closing connection from {} after an error", ctx.channel().remoteAddress(), cause);
      }
      ctx.close();
    }
  }
}
