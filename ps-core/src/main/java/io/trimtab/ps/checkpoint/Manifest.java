package io.trimtab.ps.checkpoint;

import io.trimtab.ps.TableKind;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The small file that makes a set of shard parts one checkpoint (or saved model): the table's spec,
 * the epoch and clock, the partitioner that wrote the parts, and each part's name, size and CRC.
 * The driver writes it last, after every shard has written its part, so a checkpoint exists exactly
 * when its manifest does. Its binary form ends with a CRC32 of everything before.
 *
 * @param spec the table's spec (name, kind, dimension, width, update rule)
 * @param epoch the last epoch the state includes (1-based; 0 before any)
 * @param clock the table clock every part was written at
 * @param partitioner the name of the partitioner whose shards wrote the parts
 * @param partitionerParams its parameters
 * @param parts one per shard, in shard order
 */
public record Manifest(
    TableSpec spec,
    long epoch,
    long clock,
    String partitioner,
    long[] partitionerParams,
    List<PartInfo> parts) {
  private static final long MAGIC = 0x5452494D5441424DL; // "TRIMTABM"
  private static final int VERSION = 1;

  public Manifest {
    if (spec == null || parts == null || parts.isEmpty()) {
      throw new IllegalArgumentException("A manifest needs a table spec and parts (got none)");
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("Invalid checkpoint epoch: " + epoch + " (must be >= 0)");
    }
    parts = List.copyOf(parts);
    partitionerParams = partitionerParams.clone();
  }

  /** Keys in all parts. */
  public long keys() {
    return parts.stream().mapToLong(PartInfo::keys).sum();
  }

  /** The largest key of any part (-1 if none holds a key). */
  public long maxKey() {
    return parts.stream().mapToLong(PartInfo::maxKey).max().orElse(-1);
  }

  /** Bytes of all parts. */
  public long bytes() {
    return parts.stream().mapToLong(PartInfo::bytes).sum();
  }

  /** Writes the binary form to {@code out} (not closed). */
  public void write(OutputStream out) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(body);
    d.writeLong(MAGIC);
    d.writeInt(VERSION);
    d.writeUTF(spec.name());
    d.writeUTF(spec.kind().name());
    d.writeLong(spec.dimension());
    d.writeInt(spec.width());
    d.writeUTF(spec.rule().name());
    d.writeInt(spec.rule().params().size());
    for (Map.Entry<String, Double> p : spec.rule().params().entrySet()) {
      d.writeUTF(p.getKey());
      d.writeDouble(p.getValue());
    }
    d.writeLong(epoch);
    d.writeLong(clock);
    d.writeUTF(partitioner);
    d.writeInt(partitionerParams.length);
    for (long p : partitionerParams) {
      d.writeLong(p);
    }
    d.writeInt(parts.size());
    for (PartInfo p : parts) {
      d.writeUTF(p.file());
      d.writeLong(p.keys());
      d.writeLong(p.bytes());
      d.writeLong(p.crc());
      d.writeLong(p.minKey());
      d.writeLong(p.maxKey());
    }
    d.flush();
    CRC32 crc = new CRC32();
    crc.update(body.toByteArray());
    d.writeLong(crc.getValue());
    d.flush();
    body.writeTo(out);
    out.flush();
  }

  /**
   * Reads a manifest written by {@link #write}.
   *
   * @param source what {@code in} reads (a path), named in errors
   * @throws IllegalArgumentException if the data are not a manifest, of another version, truncated
   *     or damaged, naming {@code source}
   */
  public static Manifest read(InputStream in, String source) throws IOException {
    byte[] all = in.readAllBytes();
    DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(all));
    try {
      if (d.readLong() != MAGIC) {
        throw new IllegalArgumentException(
            "Not a Trimtab checkpoint manifest: "
                + source
                + " (expected a manifest written by Trimtab; its first bytes differ)");
      }
      int version = d.readInt();
      if (version != VERSION) {
        throw new IllegalArgumentException(
            "Checkpoint manifest "
                + source
                + " has format version "
                + version
                + " (this Trimtab reads version "
                + VERSION
                + ")");
      }
      String name = d.readUTF();
      TableKind kind = TableKind.valueOf(d.readUTF());
      long dimension = d.readLong();
      int width = d.readInt();
      String rule = d.readUTF();
      int n = d.readInt();
      Map<String, Double> params = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        params.put(d.readUTF(), d.readDouble());
      }
      long epoch = d.readLong();
      long clock = d.readLong();
      String partitioner = d.readUTF();
      long[] pp = new long[d.readInt()];
      for (int i = 0; i < pp.length; i++) {
        pp[i] = d.readLong();
      }
      int numParts = d.readInt();
      List<PartInfo> parts = new ArrayList<>();
      for (int i = 0; i < numParts; i++) {
        parts.add(
            new PartInfo(
                d.readUTF(), d.readLong(), d.readLong(), d.readLong(), d.readLong(), d.readLong()));
      }
      int bodyLength = all.length - d.available();
      long stored = d.readLong();
      CRC32 crc = new CRC32();
      crc.update(all, 0, bodyLength);
      if (stored != crc.getValue() || d.available() != 0) {
        throw new IllegalArgumentException(
            String.format(
                "Checkpoint manifest %s is corrupt: CRC32 %08x, stored %08x (expected equal; the"
                    + " file was changed or damaged after it was written)",
                source, crc.getValue(), stored));
      }
      TableSpec spec = new TableSpec(name, kind, dimension, width, UpdateRule.of(rule, params));
      return new Manifest(spec, epoch, clock, partitioner, pp, parts);
    } catch (EOFException e) {
      throw new IllegalArgumentException(
          "Checkpoint manifest "
              + source
              + " is truncated (expected a complete file: the write was interrupted or the file"
              + " cut)",
          e);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().contains(source)) {
        throw e;
      }
      throw new IllegalArgumentException(
          "Checkpoint manifest " + source + " is corrupt: " + e.getMessage(), e);
    }
  }
}
