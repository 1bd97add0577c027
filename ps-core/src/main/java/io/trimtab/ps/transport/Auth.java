package io.trimtab.ps.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.trimtab.ps.PsSecurity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared-secret authentication of a connection, before any request is served, and optional
 * encryption after it.
 *
 * <p>Handshake: the server sends {@code [magic][challenge:32]}; the client answers {@code
 * [magic][HMAC-SHA256(secret, challenge):32][nonce:32]}; the server compares in constant time and
 * either acknowledges with {@code [magic][1]} or closes the connection. A client without the secret
 * never gets a request decoded, let alone a parameter byte.
 *
 * <p>Encryption: both sides derive an AES-256 key, HMAC-SHA256(secret, challenge || nonce), fresh
 * per connection; every later frame body is sealed with AES-GCM (128-bit tag) under a 12-byte IV of
 * its direction and a per-direction counter, so a frame cannot be read, altered, replayed or
 * reordered unnoticed; a frame that fails its tag closes the connection.
 */
final class Auth {
  static final int MAGIC = 0x54544155; // "TTAU"
  static final int NONCE = 32;
  private static final byte OK = 1;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger LOG = LoggerFactory.getLogger(Auth.class);

  private Auth() {}

  static byte[] hmac(byte[] secret, String label, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(label.getBytes(StandardCharsets.US_ASCII));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /**
   * Puts the cipher stages in {@code p}: decryption right after the frame decoder, encryption at
   * the head.
   */
  static void encrypt(
      ChannelPipeline p, byte[] secret, byte[] challenge, byte[] nonce, boolean server) {
    SecretKeySpec key =
        new SecretKeySpec(hmac(secret, "trimtab-ps-enc-v1", challenge, nonce), "AES");
    byte out = (byte) (server ? 0 : 1);
    byte in = (byte) (server ? 1 : 0);
    p.addAfter("frameDecoder", "decrypt", new Decrypter(key, in));
    p.addFirst("encrypt", new Encrypter(key, out));
  }

  /**
   * An AES-GCM cipher for the next frame of one direction: its IV is the direction and the frame
   * counter.
   */
  private static Cipher cipher(int mode, SecretKeySpec key, byte direction, long counter)
      throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    byte[] iv = ByteBuffer.allocate(12).put(direction).put(new byte[3]).putLong(counter).array();
    c.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
    return c;
  }

  /** Seals each outgoing {@code [length][body]} frame's body. */
  static final class Encrypter extends MessageToByteEncoder<ByteBuf> {
    private final SecretKeySpec key;
    private final byte direction;
    private long counter;

    Encrypter(SecretKeySpec key, byte direction) {
      this.key = key;
      this.direction = direction;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf frame, ByteBuf out)
        throws GeneralSecurityException {
      frame.skipBytes(4);
      byte[] plain = new byte[frame.readableBytes()];
      frame.readBytes(plain);
      byte[] sealed = cipher(Cipher.ENCRYPT_MODE, key, direction, counter++).doFinal(plain);
      out.writeInt(sealed.length);
      out.writeBytes(sealed);
    }
  }

  /** Opens each incoming frame body; a frame that fails its tag closes the connection. */
  static final class Decrypter extends MessageToMessageDecoder<ByteBuf> {
    private final SecretKeySpec key;
    private final byte direction;
    private long counter;

    Decrypter(SecretKeySpec key, byte direction) {
      this.key = key;
      this.direction = direction;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf body, List<Object> out) {
      byte[] sealed = new byte[body.readableBytes()];
      body.readBytes(sealed);
      try {
        out.add(
            Unpooled.wrappedBuffer(
                cipher(Cipher.DECRYPT_MODE, key, direction, counter++).doFinal(sealed)));
      } catch (GeneralSecurityException e) {
        LOG.warn(
            "Closing connection with {}: a frame failed decryption ({}); altered, replayed or not from the peer",
            ctx.channel().remoteAddress(),
            e.toString());
        ctx.close();
      }
    }
  }

  /**
   * The server side: sits between the frame decoder and the request handler until the client proves
   * the secret.
   */
  static final class ServerHandler extends ChannelInboundHandlerAdapter {
    private final PsSecurity security;
    private final byte[] challenge = new byte[NONCE];

    ServerHandler(PsSecurity security) {
      this.security = security;
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
        byte[] secret = security.secret();
        byte[] expected = hmac(secret, "trimtab-ps-auth-v1", challenge);
        byte[] nonce = new byte[NONCE];
        boolean ok = in.readableBytes() == 4 + expected.length + NONCE && in.readInt() == MAGIC;
        if (ok) {
          byte[] got = new byte[expected.length];
          in.readBytes(got);
          in.readBytes(nonce);
          ok = MessageDigest.isEqual(got, expected);
        }
        if (!ok) {
          LOG.warn(
              "Refused connection from {}: it did not prove the application's secret (spark.authenticate)",
              ctx.channel().remoteAddress());
          ctx.close();
          return;
        }
        // in the event loop: the acknowledgement passes the pipeline before the cipher stages exist
        ctx.writeAndFlush(Frames.frame(ctx.alloc(), b -> b.writeInt(MAGIC).writeByte(OK)));
        ChannelPipeline p = ctx.pipeline();
        p.remove(this);
        if (security.encrypt()) {
          encrypt(p, secret, challenge, nonce, true);
        }
      } finally {
        in.release();
      }
    }
  }

  /**
   * The client side: answers the challenge, then completes {@code done} when the server accepts.
   */
  static final class ClientHandler extends ChannelInboundHandlerAdapter {
    private final PsSecurity security;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final byte[] nonce = new byte[NONCE];
    private byte[] challenge;

    ClientHandler(PsSecurity security) {
      this.security = security;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        if (challenge == null && in.readableBytes() == 4 + NONCE && in.readInt() == MAGIC) {
          challenge = new byte[NONCE];
          in.readBytes(challenge);
          RANDOM.nextBytes(nonce);
          byte[] answer = hmac(security.secret(), "trimtab-ps-auth-v1", challenge);
          ctx.writeAndFlush(
              Frames.frame(
                  ctx.alloc(), b -> b.writeInt(MAGIC).writeBytes(answer).writeBytes(nonce)));
        } else if (challenge != null
            && in.readableBytes() == 5
            && in.readInt() == MAGIC
            && in.readByte() == OK) {
          ChannelPipeline p = ctx.pipeline();
          p.remove(this);
          if (security.encrypt()) {
            encrypt(p, security.secret(), challenge, nonce, false);
          }
          done.complete(null);
        } else {
          done.completeExceptionally(
              new IllegalStateException(
                  "unexpected message during authentication (is the "
                      + "shard configured with spark.authenticate like this client?)"));
          ctx.close();
        }
      } finally {
        in.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      done.completeExceptionally(
          new IllegalStateException(
              "the shard closed the connection during authentication "
                  + "(wrong secret, or the shard does not use spark.authenticate)"));
      super.channelInactive(ctx);
    }
  }
}
