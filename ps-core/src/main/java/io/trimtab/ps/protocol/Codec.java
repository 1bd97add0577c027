package io.trimtab.ps.protocol;

import io.netty.buffer.ByteBuf;
import io.trimtab.ps.KeyPartitioner;
import io.trimtab.ps.ReadMode;
import io.trimtab.ps.ShardAddress;
import io.trimtab.ps.TableKind;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.partition.Partitioners;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Binary encoding of requests and responses (no Java serialization). A frame body is {@code
 * [type:1][requestId:8][payload]}; the transport prefixes each frame with its length. Keys are
 * written as zig-zag varints of their difference to the previous key (1-2 bytes per key for sorted
 * dense keys), values as raw IEEE-754 doubles.
 *
 * <p>Past 400 lines because it is the whole protocol's encoding: every message is written and read
 * here, next to each other, so that the two directions cannot drift apart.
 */
public final class Codec {
  private static final byte CREATE = 1,
      DROP = 2,
      SET_WORKERS = 3,
      PULL = 4,
      PUSH = 5,
      STATUS = 6,
      EXPORT = 7,
      IMPORT = 8,
      WRITE_PART = 9,
      READ_PARTS = 10,
      MOVE_TO = 11;
  private static final byte ACK = 20,
      VALUES = 21,
      STATUS_REPLY = 22,
      FAILURE = 23,
      EXPORTED = 24,
      PART_WRITTEN = 25,
      PARTS_READ = 26,
      MOVED = 27;

  /**
   * Largest message body, in bytes (1 GiB): the transport's frame limit. Keys and values beyond it
   * in one message are refused when the message is written, naming the count (large transfers are
   * split: table moves and checkpoint parts stream in chunks, and the client splits a pull into
   * answers of at most 64 MiB per request).
   */
  public static final int MAX_MESSAGE_BYTES = 1 << 30;

  private Codec() {}

  /** A decoded message and the id of the request it belongs to. */
  public record Frame<T>(long requestId, T message) {}

  public static void encodeRequest(long id, Request r, ByteBuf out) {
    if (r instanceof Request.CreateTable c) {
      header(out, CREATE, id);
      out.writeInt(c.tableId());
      writeSpec(out, c.spec());
      out.writeInt(c.shard());
      writePartitioner(out, c.partitioner());
    } else if (r instanceof Request.DropTable d) {
      header(out, DROP, id);
      out.writeInt(d.tableId());
    } else if (r instanceof Request.SetWorkers s) {
      header(out, SET_WORKERS, id);
      out.writeInt(s.tableId());
      out.writeInt(s.numWorkers());
      out.writeBoolean(s.perClock());
      out.writeLong(s.startClock());
    } else if (r instanceof Request.Pull p) {
      header(out, PULL, id);
      out.writeInt(p.tableId());
      writeReadMode(out, p.mode());
      out.writeInt(p.waitMs());
      writeKeys(out, p.keys());
    } else if (r instanceof Request.Push p) {
      header(out, PUSH, id);
      out.writeInt(p.tableId());
      out.writeInt(p.worker());
      out.writeLong(p.clock());
      out.writeDouble(p.count());
      writeKeys(out, p.keys());
      writeDoubles(out, p.values());
      out.writeInt(p.coWorkers().length);
      for (int w : p.coWorkers()) {
        out.writeInt(w);
      }
    } else if (r instanceof Request.Status s) {
      header(out, STATUS, id);
      out.writeInt(s.tableId());
    } else if (r instanceof Request.Export x) {
      header(out, EXPORT, id);
      out.writeInt(x.tableId());
    } else if (r instanceof Request.Import x) {
      header(out, IMPORT, id);
      out.writeInt(x.tableId());
      writeKeys(out, x.keys());
      writeDoubles(out, x.values());
      writeDoubles(out, x.state());
    } else if (r instanceof Request.WritePart w) {
      header(out, WRITE_PART, id);
      out.writeInt(w.tableId());
      writeString(out, w.uri());
    } else if (r instanceof Request.ReadParts x) {
      header(out, READ_PARTS, id);
      out.writeInt(x.tableId());
      out.writeInt(x.uris().length);
      for (String u : x.uris()) {
        writeString(out, u);
      }
    } else if (r instanceof Request.MoveTo m) {
      header(out, MOVE_TO, id);
      out.writeInt(m.tableId());
      out.writeInt(m.newTableId());
      writePartitioner(out, m.partitioner());
      out.writeInt(m.shards().size());
      for (ShardAddress a : m.shards()) {
        writeString(out, a.host());
        out.writeInt(a.port());
      }
    } else {
      throw new IllegalArgumentException("Unknown request " + r);
    }
  }

  public static Frame<Request> decodeRequest(ByteBuf in) {
    byte type = in.readByte();
    long id = in.readLong();
    Request r =
        switch (type) {
          case CREATE ->
              new Request.CreateTable(
                  in.readInt(), readSpec(in), in.readInt(), readPartitioner(in));
          case DROP -> new Request.DropTable(in.readInt());
          case SET_WORKERS ->
              new Request.SetWorkers(in.readInt(), in.readInt(), in.readBoolean(), in.readLong());
          case EXPORT -> new Request.Export(in.readInt());
          case IMPORT ->
              new Request.Import(in.readInt(), readKeys(in), readDoubles(in), readDoubles(in));
          case PULL -> new Request.Pull(in.readInt(), readReadMode(in), in.readInt(), readKeys(in));
          case PUSH ->
              new Request.Push(
                  in.readInt(),
                  in.readInt(),
                  in.readLong(),
                  in.readDouble(),
                  readKeys(in),
                  readDoubles(in),
                  readInts(in));
          case STATUS -> new Request.Status(in.readInt());
          case WRITE_PART -> new Request.WritePart(in.readInt(), readString(in));
          case READ_PARTS -> new Request.ReadParts(in.readInt(), readStrings(in));
          case MOVE_TO ->
              new Request.MoveTo(
                  in.readInt(), in.readInt(), readPartitioner(in), readAddresses(in));
          default ->
              throw new IllegalArgumentException(
                  "Unknown request type " + type + " (expected 1..11)");
        };
    return new Frame<>(id, r);
  }

  public static void encodeResponse(long id, Response r, ByteBuf out) {
    if (r instanceof Response.Ack) {
      header(out, ACK, id);
    } else if (r instanceof Response.Values v) {
      header(out, VALUES, id);
      out.writeLong(v.clock());
      writeDoubles(out, v.values());
    } else if (r instanceof Response.Status s) {
      header(out, STATUS_REPLY, id);
      out.writeLong(s.pid());
      out.writeInt(s.tables());
      out.writeLong(s.pushes());
      out.writeLong(s.clock());
      out.writeLong(s.numKeys());
      out.writeLong(s.parameterBytes());
      out.writeLong(s.stateBytes());
      out.writeLong(s.duplicatePushes());
    } else if (r instanceof Response.Exported x) {
      header(out, EXPORTED, id);
      out.writeLong(x.clock());
      writeKeys(out, x.keys());
      writeDoubles(out, x.values());
      writeDoubles(out, x.state());
    } else if (r instanceof Response.PartWritten w) {
      header(out, PART_WRITTEN, id);
      out.writeLong(w.clock());
      out.writeLong(w.keys());
      out.writeLong(w.bytes());
      out.writeLong(w.crc());
      out.writeLong(w.minKey());
      out.writeLong(w.maxKey());
    } else if (r instanceof Response.PartsRead x) {
      header(out, PARTS_READ, id);
      out.writeLong(x.keysRead());
      out.writeLong(x.keysKept());
    } else if (r instanceof Response.Moved m) {
      header(out, MOVED, id);
      out.writeLong(m.clock());
      out.writeLong(m.keys());
    } else if (r instanceof Response.Failure f) {
      header(out, FAILURE, id);
      writeString(out, f.message());
    } else {
      throw new IllegalArgumentException("Unknown response " + r);
    }
  }

  public static Frame<Response> decodeResponse(ByteBuf in) {
    byte type = in.readByte();
    long id = in.readLong();
    Response r =
        switch (type) {
          case ACK -> new Response.Ack();
          case VALUES -> new Response.Values(in.readLong(), readDoubles(in));
          case STATUS_REPLY ->
              new Response.Status(
                  in.readLong(),
                  in.readInt(),
                  in.readLong(),
                  in.readLong(),
                  in.readLong(),
                  in.readLong(),
                  in.readLong(),
                  in.readLong());
          case FAILURE -> new Response.Failure(readString(in));
          case EXPORTED ->
              new Response.Exported(in.readLong(), readKeys(in), readDoubles(in), readDoubles(in));
          case PART_WRITTEN ->
              new Response.PartWritten(
                  in.readLong(),
                  in.readLong(),
                  in.readLong(),
                  in.readLong(),
                  in.readLong(),
                  in.readLong());
          case PARTS_READ -> new Response.PartsRead(in.readLong(), in.readLong());
          case MOVED -> new Response.Moved(in.readLong(), in.readLong());
          default ->
              throw new IllegalArgumentException(
                  "Unknown response type " + type + " (expected 20..27)");
        };
    return new Frame<>(id, r);
  }

  private static void header(ByteBuf out, byte type, long id) {
    out.writeByte(type);
    out.writeLong(id);
  }

  static void writeKeys(ByteBuf out, long[] keys) {
    // a key takes at most 10 bytes (a varint of 64 bits)
    checkSize(out, 10L * keys.length, keys.length + " keys");
    out.writeInt(keys.length);
    long prev = 0;
    for (long k : keys) {
      long d = k - prev;
      writeVarLong(out, (d << 1) ^ (d >> 63));
      prev = k;
    }
  }

  static long[] readKeys(ByteBuf in) {
    int n = in.readInt();
    checkCount(n, in.readableBytes(), 1, "keys");
    long[] keys = new long[n];
    long prev = 0;
    for (int i = 0; i < n; i++) {
      long z = readVarLong(in);
      prev += (z >>> 1) ^ -(z & 1);
      keys[i] = prev;
    }
    return keys;
  }

  /** Doubles in bulk through an NIO view when the buffer has one (big-endian either way). */
  private static void writeDoubles(ByteBuf out, double[] v) {
    checkSize(out, 8L * v.length, v.length + " values");
    out.writeInt(v.length);
    int bytes = v.length * 8;
    out.ensureWritable(bytes);
    if (out.nioBufferCount() == 1) {
      out.nioBuffer(out.writerIndex(), bytes).asDoubleBuffer().put(v);
      out.writerIndex(out.writerIndex() + bytes);
    } else {
      for (double d : v) {
        out.writeDouble(d);
      }
    }
  }

  /** Refuses to write {@code bytes} more when the message would pass {@link #MAX_MESSAGE_BYTES}. */
  private static void checkSize(ByteBuf out, long bytes, String what) {
    if (out.writerIndex() + bytes > MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException(
          "A message of "
              + what
              + " (up to "
              + (out.writerIndex() + bytes)
              + " bytes) is over the protocol's limit of "
              + MAX_MESSAGE_BYTES
              + " bytes a message (expected fewer keys and values per request: split it)");
    }
  }

  private static double[] readDoubles(ByteBuf in) {
    int n = in.readInt();
    checkCount(n, in.readableBytes(), 8, "values");
    double[] v = new double[n];
    if (in.nioBufferCount() == 1) {
      in.nioBuffer(in.readerIndex(), n * 8).asDoubleBuffer().get(v);
      in.skipBytes(n * 8);
    } else {
      for (int i = 0; i < n; i++) {
        v[i] = in.readDouble();
      }
    }
    return v;
  }

  private static int[] readInts(ByteBuf in) {
    int n = in.readInt();
    checkCount(n, in.readableBytes(), 4, "worker ids");
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = in.readInt();
    }
    return v;
  }

  private static void checkCount(int n, int readable, int minBytesEach, String what) {
    if (n < 0 || (long) n * minBytesEach > readable) {
      throw new IllegalArgumentException(
          "Corrupt frame: " + n + " " + what + " announced, " + readable + " bytes left");
    }
  }

  private static void writeVarLong(ByteBuf out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  private static long readVarLong(ByteBuf in) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.readByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("Corrupt frame: varint longer than 10 bytes");
  }

  private static void writeString(ByteBuf out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.writeBytes(b);
  }

  private static String readString(ByteBuf in) {
    int n = in.readInt();
    checkCount(n, in.readableBytes(), 1, "string bytes");
    byte[] b = new byte[n];
    in.readBytes(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String[] readStrings(ByteBuf in) {
    int n = in.readInt();
    checkCount(n, in.readableBytes(), 4, "strings");
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = readString(in);
    }
    return out;
  }

  private static List<ShardAddress> readAddresses(ByteBuf in) {
    int n = in.readInt();
    checkCount(n, in.readableBytes(), 8, "shard addresses");
    List<ShardAddress> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new ShardAddress(readString(in), in.readInt()));
    }
    return out;
  }

  private static void writeSpec(ByteBuf out, TableSpec s) {
    writeString(out, s.name());
    out.writeByte(s.kind().ordinal());
    out.writeLong(s.dimension());
    out.writeInt(s.width());
    writeString(out, s.rule().name());
    out.writeInt(s.rule().params().size());
    for (Map.Entry<String, Double> p : s.rule().params().entrySet()) {
      writeString(out, p.getKey());
      out.writeDouble(p.getValue());
    }
  }

  private static TableSpec readSpec(ByteBuf in) {
    String name = readString(in);
    TableKind kind = TableKind.values()[in.readByte()];
    long dim = in.readLong();
    int width = in.readInt();
    String rule = readString(in);
    int n = in.readInt();
    checkCount(n, in.readableBytes(), 12, "rule parameters");
    Map<String, Double> params = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      params.put(readString(in), in.readDouble());
    }
    return new TableSpec(name, kind, dim, width, UpdateRule.of(rule, params));
  }

  private static void writePartitioner(ByteBuf out, KeyPartitioner p) {
    writeString(out, p.name());
    long[] params = p.params();
    out.writeInt(params.length);
    for (long v : params) {
      out.writeLong(v);
    }
  }

  private static KeyPartitioner readPartitioner(ByteBuf in) {
    String name = readString(in);
    int n = in.readInt();
    checkCount(n, in.readableBytes(), 8, "partitioner parameters");
    long[] params = new long[n];
    for (int i = 0; i < n; i++) {
      params[i] = in.readLong();
    }
    return Partitioners.byName(name, params);
  }

  /** A tag (0 latest, 1 at least, 2 exactly) and the clock. */
  private static void writeReadMode(ByteBuf out, ReadMode mode) {
    out.writeByte(mode instanceof ReadMode.Exactly ? 2 : mode instanceof ReadMode.AtLeast ? 1 : 0);
    out.writeLong(mode.clock());
  }

  private static ReadMode readReadMode(ByteBuf in) {
    byte tag = in.readByte();
    long clock = in.readLong();
    return switch (tag) {
      case 0 -> ReadMode.latest();
      case 1 -> ReadMode.atLeast(clock);
      case 2 -> ReadMode.exactly(clock);
      default ->
          throw new IllegalArgumentException("Unknown read mode " + tag + " (expected 0 .. 2)");
    };
  }
}
