package io.trimtab.ps;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.ps.master.PsMaster;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.ps.server.ShardServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Encrypted PS traffic, checked on the wire: a recording TCP relay between client and shard sees
 * every byte both ways; with encryption on, no pushed or pulled value appears in them (with
 * authentication only, the same check finds them: it can fail), and training over the encrypted
 * connection computes exactly what it computes in clear.
 */
class EncryptionTest {
  private static final byte[] SECRET = "app-secret".getBytes(StandardCharsets.UTF_8);

  /** Distinctive values: their 8 IEEE bytes cannot appear by chance in a few kilobytes. */
  private static final double[] VALUES = {1234.5678125, -9876.54321, 31415.9265, 27182.8182};

  /** Relays one connection at a time to {@code target}, recording both directions. */
  static final class Relay implements AutoCloseable {
    final ServerSocket server;
    final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private final Thread accept;

    Relay(ShardAddress target) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      accept =
          new Thread(
              () -> {
                try {
                  while (!server.isClosed()) {
                    Socket client = server.accept();
                    Socket shard = new Socket(target.host(), target.port());
                    pump(client.getInputStream(), shard.getOutputStream());
                    pump(shard.getInputStream(), client.getOutputStream());
                  }
                } catch (IOException closed) {
                  // relay closed
                }
              },
              "relay-accept");
      accept.setDaemon(true);
      accept.start();
    }

    private void pump(InputStream in, OutputStream out) {
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[8192];
                try {
                  for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    synchronized (seen) {
                      seen.write(buf, 0, n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                  }
                } catch (IOException closed) {
                  // connection closed
                }
              },
              "relay-pump");
      t.setDaemon(true);
      t.start();
    }

    ShardAddress address() {
      return new ShardAddress("127.0.0.1", server.getLocalPort());
    }

    byte[] seen() {
      synchronized (seen) {
        return seen.toByteArray();
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /**
   * Pushes {@link #VALUES}, pulls them back through the relay; returns what was pulled and what the
   * wire saw.
   */
  private static Object[] roundTrip(boolean encrypt) throws IOException {
    PsSecurity security = new PsSecurity(SECRET, encrypt);
    ShardServer shard = ShardServer.start("127.0.0.1", 0, 1, security);
    try (Relay relay = new Relay(shard.address());
        PsMaster master =
            new PsMaster(List.of(relay.address()), ClientOptions.defaults(), security)) {
      TableHandle t =
          master.createTable(TableSpec.dense("w", 8, 1, UpdateRule.add()), PartitionerKind.HASH);
      master.client().push(t, Push.unclocked(new long[] {0, 3, 5, 7}, VALUES));
      double[] pulled =
          master.client().pull(t, new long[] {0, 3, 5, 7}, ReadMode.latest()).values();
      return new Object[] {pulled, relay.seen()};
    } finally {
      shard.close();
    }
  }

  /** Whether {@code v}'s 8 bytes (big- or little-endian) occur in {@code bytes}. */
  static boolean contains(byte[] bytes, double v) {
    byte[] pat = ByteBuffer.allocate(8).putDouble(v).array();
    byte[] le = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putDouble(v).array();
    for (byte[] p : new byte[][] {pat, le}) {
      outer:
      for (int i = 0; i + 8 <= bytes.length; i++) {
        for (int j = 0; j < 8; j++) {
          if (bytes[i + j] != p[j]) {
            continue outer;
          }
        }
        return true;
      }
    }
    return false;
  }

  @Test
  void encrypted_noParameterValueCrossesTheWireInClear() throws IOException {
    Object[] clear = roundTrip(false);
    Object[] sealed = roundTrip(true);
    assertThat((double[]) sealed[0]).containsExactly(VALUES);
    assertThat((double[]) clear[0]).containsExactly(VALUES);
    byte[] clearWire = (byte[]) clear[1];
    byte[] sealedWire = (byte[]) sealed[1];
    assertThat(sealedWire.length).as("bytes relayed").isGreaterThan(100);
    for (double v : VALUES) {
      assertThat(contains(clearWire, v))
          .as("authenticated only: %s is on the wire (the check can fail)", v)
          .isTrue();
      assertThat(contains(sealedWire, v)).as("encrypted: %s on the wire", v).isFalse();
    }
  }
}
