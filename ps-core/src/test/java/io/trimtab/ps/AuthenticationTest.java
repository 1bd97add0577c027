package io.trimtab.ps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trimtab.ps.master.PsMaster;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.ps.protocol.Codec;
import io.trimtab.ps.protocol.Request;
import io.trimtab.ps.server.ShardServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A shard started with a secret serves only clients that prove it, over real TCP. */
class AuthenticationTest {
  private static final byte[] SECRET = "the-application-secret".getBytes(StandardCharsets.UTF_8);
  private ShardServer server;
  private PsMaster master;
  private TableHandle table;

  @BeforeEach
  void start() {
    server = ShardServer.start("127.0.0.1", 0, 1, new PsSecurity(SECRET, false));
    master =
        new PsMaster(
            List.of(server.address()), ClientOptions.defaults(), new PsSecurity(SECRET, false));
    table = master.createTable(TableSpec.dense("w", 4, 1, UpdateRule.add()), PartitionerKind.HASH);
    master
        .client()
        .push(table, Push.unclocked(new long[] {0, 1, 2, 3}, new double[] {1.5, 2.5, 3.5, 4.5}));
  }

  @AfterEach
  void stop() {
    master.close();
    server.close();
  }

  @Test
  void theRightSecret_isServed() {
    assertThat(master.client().pull(table, new long[] {0, 3}, ReadMode.latest()).values())
        .containsExactly(1.5, 4.5);
  }

  @Test
  void aClientWithAnotherSecret_isRefused() {
    try (PsMaster intruder =
        new PsMaster(
            List.of(server.address()),
            ClientOptions.defaults(),
            new PsSecurity("guessed".getBytes(StandardCharsets.UTF_8), false))) {
      assertThatThrownBy(
              () -> intruder.client().pull(table, new long[] {0}, ReadMode.latest()).values())
          .isInstanceOf(PsException.class)
          .hasMessageContaining("refused authentication");
    }
  }

  @Test
  void aClientWithoutSecret_getsNoParameterByte() {
    try (PsMaster plain = new PsMaster(List.of(server.address()), ClientOptions.defaults())) {
      assertThatThrownBy(
              () -> plain.client().pull(table, new long[] {0}, ReadMode.latest()).values())
          .isInstanceOf(PsException.class);
    }
  }

  @Test
  void aRawClientSendingAPull_receivesOnlyTheChallenge_andIsDisconnected() throws IOException {
    ByteBuf body = Unpooled.buffer();
    Codec.encodeRequest(
        1, new Request.Pull(table.id(), ReadMode.latest(), 0, new long[] {0, 1, 2, 3}), body);
    byte[] bytes = new byte[body.readableBytes()];
    body.readBytes(bytes);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(frame);
    d.writeInt(bytes.length);
    d.write(bytes);
    try (Socket s = new Socket(server.address().host(), server.address().port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(frame.toByteArray());
      s.getOutputStream().flush();
      byte[] got = readAll(s.getInputStream());
      // a length-prefixed challenge: magic + 32 random bytes, nothing else, then the close
      assertThat(got).hasSize(4 + 4 + 32);
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(got));
      assertThat(in.readInt()).isEqualTo(36);
      assertThat(in.readInt()).isEqualTo(0x54544155);
      for (double v : new double[] {1.5, 2.5, 3.5, 4.5}) {
        assertThat(EncryptionTest.contains(got, v))
            .as("parameter value %s in the bytes received", v)
            .isFalse();
      }
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        out.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "the shard kept the unauthenticated connection open; received " + out.size() + " bytes",
          e);
    }
    return out.toByteArray();
  }
}
