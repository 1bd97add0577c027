package io.trimtab.ps.checkpoint;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The binary form of one shard's part of a table, written and read by the shard itself, streamed
 * key by key so that neither side holds more than a buffer: a magic, a version, the widths, the
 * clock and the key count; then per key the key, its values and its optimizer state; then a CRC32
 * of everything before. A truncated or damaged part is refused with its name, never loaded as a
 * wrong model.
 */
public final class PartFormat {
  private static final long MAGIC = 0x5452494D54414250L; // "TRIMTABP"
  private static final int VERSION = 1;

  private PartFormat() {}

  /** Writes one part; {@link #finish} closes it and says what was written. */
  public static final class Writer implements AutoCloseable {
    private final OutputStream raw;
    private final CheckedOutputStream checked;
    private final CountingOutputStream counted;
    private final DataOutputStream d;
    private final int width;
    private final int stateWidth;
    private final long declared;
    private final String file;
    private long written;
    private long minKey = Long.MAX_VALUE;
    private long maxKey = -1;

    /**
     * Whole keys, encoded, on their way to {@link #d}: the CRC is updated per block, not per 8
     * bytes (per-value writes spent more time in the CRC than in the disk).
     */
    private final ByteBuffer block;

    /**
     * @param out where the part goes (closed by {@link #finish} or {@link #close})
     * @param file the part's name, for its {@link PartInfo} and errors
     * @param keys how many keys will follow
     */
    public Writer(OutputStream out, String file, int width, int stateWidth, long clock, long keys)
        throws IOException {
      this.raw = out;
      this.counted = new CountingOutputStream(out);
      this.checked =
          new CheckedOutputStream(new BufferedOutputStream(counted, 1 << 16), new CRC32());
      this.d = new DataOutputStream(checked);
      this.width = width;
      this.stateWidth = stateWidth;
      this.declared = keys;
      this.file = file;
      this.block =
          ByteBuffer.allocate(blockKeys(width, stateWidth) * recordBytes(width, stateWidth));
      d.writeLong(MAGIC);
      d.writeInt(VERSION);
      d.writeInt(width);
      d.writeInt(stateWidth);
      d.writeLong(clock);
      d.writeLong(keys);
    }

    /** One key: {@code width} values from {@code values[vOff..]}, its state from {@code state}. */
    public void key(long key, double[] values, int vOff, double[] state, int sOff)
        throws IOException {
      if (block.remaining() < recordBytes(width, stateWidth)) {
        drain();
      }
      block.putLong(key);
      for (int j = 0; j < width; j++) {
        block.putDouble(values[vOff + j]);
      }
      for (int j = 0; j < stateWidth; j++) {
        block.putDouble(state[sOff + j]);
      }
      written++;
      minKey = Math.min(minKey, key);
      maxKey = Math.max(maxKey, key);
    }

    private void drain() throws IOException {
      d.write(block.array(), 0, block.position());
      block.clear();
    }

    /** Writes the checksum and closes the stream. */
    public PartInfo finish() throws IOException {
      if (written != declared) {
        throw new IllegalStateException(
            "Part " + file + ": " + written + " keys written, " + declared + " declared");
      }
      drain();
      d.flush();
      long crc = checked.getChecksum().getValue();
      d.writeLong(crc);
      d.flush();
      raw.close();
      return new PartInfo(file, written, counted.count, crc, minKey, maxKey);
    }

    @Override
    public void close() throws IOException {
      raw.close();
    }
  }

  /** Receives the keys of a part as it is read. */
  public interface KeyConsumer {
    /** One key with {@code width} values and {@code stateWidth} state doubles (buffers reused). */
    void accept(long key, double[] values, double[] state);
  }

  /**
   * Reads a part, handing each key to {@code consumer}, and checks its widths and checksum.
   *
   * @param source the part's name, in errors
   * @return the part's clock
   * @throws IllegalArgumentException if it is not a part, of other widths, truncated or damaged
   */
  public static long read(
      InputStream in, String source, int width, int stateWidth, KeyConsumer consumer)
      throws IOException {
    CheckedInputStream checked =
        new CheckedInputStream(new BufferedInputStream(in, 1 << 16), new CRC32());
    DataInputStream d = new DataInputStream(checked);
    try {
      if (d.readLong() != MAGIC) {
        throw new IllegalArgumentException(
            "Not a Trimtab model part: "
                + source
                + " (expected a part written by a Trimtab shard; its first bytes differ)");
      }
      int version = d.readInt();
      if (version != VERSION) {
        throw new IllegalArgumentException(
            "Model part "
                + source
                + " has format version "
                + version
                + " (this Trimtab reads version "
                + VERSION
                + ")");
      }
      int w = d.readInt();
      int sw = d.readInt();
      if (w != width || sw != stateWidth) {
        throw new IllegalArgumentException(
            "Model part "
                + source
                + " holds "
                + w
                + " values and "
                + sw
                + " state values per key (expected "
                + width
                + " and "
                + stateWidth
                + ": a model of another kind or update rule)");
      }
      long clock = d.readLong();
      long n = d.readLong();
      if (n < 0) {
        throw new IllegalArgumentException("Model part " + source + " is corrupt: " + n + " keys");
      }
      double[] values = new double[width];
      double[] state = new double[stateWidth];
      int record = recordBytes(width, stateWidth);
      int perBlock = blockKeys(width, stateWidth);
      ByteBuffer block = ByteBuffer.allocate(perBlock * record);
      for (long i = 0; i < n; ) {
        int keys = (int) Math.min(perBlock, n - i);
        d.readFully(block.array(), 0, keys * record);
        block.clear();
        for (int k = 0; k < keys; k++) {
          long key = block.getLong();
          for (int j = 0; j < width; j++) {
            values[j] = block.getDouble();
          }
          for (int j = 0; j < stateWidth; j++) {
            state[j] = block.getDouble();
          }
          consumer.accept(key, values, state);
        }
        i += keys;
      }
      long computed = checked.getChecksum().getValue();
      long stored = d.readLong();
      if (stored != computed) {
        throw new IllegalArgumentException(
            String.format(
                "Model part %s is corrupt: CRC32 %08x, stored %08x (expected equal; the file was"
                    + " changed or damaged after it was written)",
                source, computed, stored));
      }
      return clock;
    } catch (EOFException e) {
      throw new IllegalArgumentException(
          "Model part "
              + source
              + " is truncated (it ends before its CRC; expected a complete file: the write was"
              + " interrupted or the file cut)",
          e);
    }
  }

  /** Keys a block holds while written or read: 64 KiB of records, at least one. */
  private static int blockKeys(int width, int stateWidth) {
    return Math.max(1, (1 << 16) / recordBytes(width, stateWidth));
  }

  /** Bytes of one key's record: the key, its values, its state. */
  private static int recordBytes(int width, int stateWidth) {
    return 8 * (1 + width + stateWidth);
  }

  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() {
      // the Writer closes the underlying stream itself
    }
  }
}
