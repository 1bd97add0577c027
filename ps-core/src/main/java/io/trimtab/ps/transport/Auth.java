package io.trimtab.ps.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared-secret authentication of a connection, before any request is served: the server sends a
 * random 32-byte challenge; the client answers HMAC-SHA256(secret, challenge); the server compares
 * in constant time and either lets requests through or closes the connection. A client without the
 * secret (or with another) never gets a request decoded, let alone a parameter byte. With Spark, the
 * secret is the application's ({@code spark.authenticate}).
 */
final class Auth {
  static final int MAGIC = 0x54544155; // "TTAU"
  static final int NONCE = 32;
  private static final byte OK = 1;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger LOG = LoggerFactory.getLogger(Auth.class);

  private Auth() {}

  static byte[] hmac(byte[] secret, byte[] challenge) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update("trimtab-ps-auth-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return mac.doFinal(challenge);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** The server side: sits between the frame decoder and the request handler until the client proves the secret. */
  static final class ServerHandler extends ChannelInboundHandlerAdapter {
    private final byte[] secret;
    private final byte[] challenge = new byte[NONCE];

    ServerHandler(byte[] secret) {
      this.secret = secret;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      RANDOM.nextBytes(challenge);
      ctx.writeAndFlush(Frames.frame(ctx.alloc(), b -> b.writeInt(MAGIC).writeBytes(challenge)));
      super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        byte[] expected = hmac(secret, challenge);
        boolean ok = in.readableBytes() == 4 + expected.length && in.readInt() == MAGIC;
        if (ok) {
          byte[] got = new byte[expected.length];
          in.readBytes(got);
          ok = MessageDigest.isEqual(got, expected);
        }
        if (!ok) {
          LOG.warn("Refused connection from {}: it did not prove the application's secret (spark.authenticate)",
              ctx.channel().remoteAddress());
          ctx.close();
          return;
        }
        ctx.pipeline().remove(this);
        ctx.writeAndFlush(Frames.frame(ctx.alloc(), b -> b.writeInt(MAGIC).writeByte(OK)));
      } finally {
        in.release();
      }
    }
  }

  /** The client side: answers the challenge, then completes {@code done} when the server accepts. */
  static final class ClientHandler extends ChannelInboundHandlerAdapter {
    private final byte[] secret;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private boolean answered;

    ClientHandler(byte[] secret) {
      this.secret = secret;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        if (!answered && in.readableBytes() == 4 + NONCE && in.readInt() == MAGIC) {
          byte[] challenge = new byte[NONCE];
          in.readBytes(challenge);
          byte[] answer = hmac(secret, challenge);
          answered = true;
          ctx.writeAndFlush(Frames.frame(ctx.alloc(), b -> b.writeInt(MAGIC).writeBytes(answer)));
        } else if (answered && in.readableBytes() == 5 && in.readInt() == MAGIC && in.readByte() == OK) {
          ctx.pipeline().remove(this);
          done.complete(null);
        } else {
          done.completeExceptionally(new IllegalStateException("unexpected message during authentication (is the "
              + "shard configured with spark.authenticate like this client?)"));
          ctx.close();
        }
      } finally {
        in.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      done.completeExceptionally(new IllegalStateException("the shard closed the connection during authentication "
          + "(wrong secret, or the shard does not use spark.authenticate)"));
      super.channelInactive(ctx);
    }
  }
}
