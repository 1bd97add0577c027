package io.trimtab.ps.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trimtab.ps.ReadMode;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.partition.RangePartitioner;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CodecTest {

  @Test
  void keys_roundTrip_includingExtremesAndUnsorted() {
    SplittableRandom rnd = new SplittableRandom(1);
    long[] keys = new long[1000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i % 3 == 0 ? rnd.nextLong() : rnd.nextLong(1 << 20);
    }
    keys[0] = Long.MIN_VALUE;
    keys[1] = Long.MAX_VALUE;
    keys[2] = -1;
    ByteBuf buf = Unpooled.buffer();
    Codec.writeKeys(buf, keys);
    assertThat(Codec.readKeys(buf)).containsExactly(keys);
    assertThat(buf.readableBytes()).isZero();
  }

  @Test
  void sortedDenseKeys_takeAboutOneByteEach() {
    long[] keys = new long[10_000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = 3L * i;
    }
    ByteBuf buf = Unpooled.buffer();
    Codec.writeKeys(buf, keys);
    assertThat(buf.readableBytes()).isLessThanOrEqualTo(4 + keys.length);
  }

  @Test
  void requestsAndResponses_roundTrip() {
    ByteBuf buf = Unpooled.buffer();
    Request.Push push =
        new Request.Push(
            3, 1, 17, 42.0, new long[] {5, 1, 9}, new double[] {1.5, -2, 3e-9}, new int[] {4, 7});
    Codec.encodeRequest(99, push, buf);
    Codec.Frame<Request> f = Codec.decodeRequest(buf);
    assertThat(f.requestId()).isEqualTo(99);
    Request.Push back = (Request.Push) f.message();
    assertThat(back.tableId()).isEqualTo(3);
    assertThat(back.worker()).isEqualTo(1);
    assertThat(back.clock()).isEqualTo(17);
    assertThat(back.count()).isEqualTo(42.0);
    assertThat(back.keys()).containsExactly(5, 1, 9);
    assertThat(back.values()).containsExactly(1.5, -2, 3e-9);
    assertThat(back.coWorkers()).containsExactly(4, 7);

    TableSpec spec = TableSpec.dense("w", 100, 4, UpdateRule.adagrad(0.1, 0.01));
    Codec.encodeRequest(
        7, new Request.CreateTable(2, spec, 1, RangePartitioner.evenDense(3, 100)), buf);
    Request.CreateTable c = (Request.CreateTable) Codec.decodeRequest(buf).message();
    assertThat(c.spec()).isEqualTo(spec);
    assertThat(c.partitioner()).isEqualTo(RangePartitioner.evenDense(3, 100));

    Codec.encodeResponse(5, new Response.Failure("Unknown key 7 (expected 0 .. 3)"), buf);
    assertThat(((Response.Failure) Codec.decodeResponse(buf).message()).message())
        .isEqualTo("Unknown key 7 (expected 0 .. 3)");
    assertThat(buf.readableBytes()).isZero();
  }

  @Test
  void aMessageOverTheFrameLimit_isRefusedNamingItsSize_beforeAnyByteIsSent() {
    // 2^27 values are exactly 1 GiB: with the message's header they pass the limit
    double[] values = new double[1 << 27];
    ByteBuf buf = Unpooled.buffer();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Codec.encodeRequest(
                    1, new Request.Import(3, new long[] {1}, values, new double[0]), buf))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("A message of 134217728 values (up to ")
        .hasMessageEndingWith(
            "bytes) is over the protocol's limit of 1073741824 bytes a message (expected fewer"
                + " keys and values per request: split it)");
    // the values were refused before they were written
    assertThat(buf.writerIndex()).isLessThan(64);
    // a large message under the limit is written
    ByteBuf ok = Unpooled.buffer();
    Codec.encodeResponse(1, new Response.Values(0, new double[1 << 20]), ok);
    assertThat(ok.writerIndex()).isGreaterThan(8 << 20);
  }

  @Test
  void pulls_carryTheirReadMode() {
    ByteBuf buf = Unpooled.buffer();
    for (ReadMode mode :
        new ReadMode[] {ReadMode.latest(), ReadMode.atLeast(3), ReadMode.exactly(7)}) {
      Codec.encodeRequest(1, new Request.Pull(4, mode, 250, new long[] {9, 2}), buf);
      Request.Pull back = (Request.Pull) Codec.decodeRequest(buf).message();
      assertThat(back.mode()).isEqualTo(mode);
      assertThat(back.waitMs()).isEqualTo(250);
      assertThat(back.keys()).containsExactly(9, 2);
    }
    assertThat(buf.readableBytes()).isZero();
  }
}
