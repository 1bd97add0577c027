package io.trimtab.ps.checkpoint;

import io.trimtab.ps.TableKind;
import io.trimtab.ps.TableSnapshot;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * One consistent state of a table: every key's values and optimizer state at one clock (taken
 * between epochs, when no worker is inside a clock), with the table's spec and the epoch it ends.
 * Its binary form starts with a magic and a version and ends with a CRC32 of everything before, so
 * a truncated or corrupted file is refused with its name rather than loaded as a wrong model.
 *
 * @param spec the table's spec (name, kind, dimension, width, update rule)
 * @param epoch the last epoch the state includes (1-based; 0 before any)
 * @param snapshot keys, values, optimizer state and clock
 */
public record Checkpoint(TableSpec spec, long epoch, TableSnapshot snapshot) {
  private static final long MAGIC = 0x5452494D54414243L; // "TRIMTABC"

  /** Version 2 names the update rule with its parameters; version 1 (read too) had a fixed set. */
  private static final int VERSION = 2;

  public Checkpoint {
    if (spec == null || snapshot == null) {
      throw new IllegalArgumentException(
          "A checkpoint needs a table spec and a snapshot (got null)");
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("Invalid checkpoint epoch: " + epoch + " (must be >= 0)");
    }
    int n = snapshot.keys().length;
    if (snapshot.values().length != (long) n * spec.width()) {
      throw new IllegalArgumentException(
          "Snapshot of table '"
              + spec.name()
              + "' has "
              + snapshot.values().length
              + " values for "
              + n
              + " keys (expected "
              + (long) n * spec.width()
              + ", width "
              + spec.width()
              + ")");
    }
    // the optimizer keeps stateWidth doubles per value
    long stateValues = (long) n * spec.width() * spec.rule().stateWidth();
    if (snapshot.state().length != stateValues) {
      throw new IllegalArgumentException(
          "Snapshot of table '"
              + spec.name()
              + "' has "
              + snapshot.state().length
              + " state values for "
              + n
              + " keys (expected "
              + stateValues
              + ")");
    }
  }

  /** Writes the binary form to {@code out} (not closed). */
  public void write(OutputStream out) throws IOException {
    CheckedOutputStream checked =
        new CheckedOutputStream(new BufferedOutputStream(out, 1 << 16), new CRC32());
    DataOutputStream d = new DataOutputStream(checked);
    d.writeLong(MAGIC);
    d.writeInt(VERSION);
    d.writeUTF(spec.name());
    d.writeUTF(spec.kind().name());
    d.writeLong(spec.dimension());
    d.writeInt(spec.width());
    d.writeUTF(spec.rule().name());
    d.writeInt(spec.rule().params().size());
    for (java.util.Map.Entry<String, Double> p : spec.rule().params().entrySet()) {
      d.writeUTF(p.getKey());
      d.writeDouble(p.getValue());
    }
    d.writeLong(epoch);
    d.writeLong(snapshot.clock());
    d.writeInt(snapshot.keys().length);
    for (long k : snapshot.keys()) {
      d.writeLong(k);
    }
    for (double v : snapshot.values()) {
      d.writeDouble(v);
    }
    for (double s : snapshot.state()) {
      d.writeDouble(s);
    }
    d.flush();
    long crc = checked.getChecksum().getValue();
    d.writeLong(crc);
    d.flush();
  }

  /**
   * Reads a checkpoint written by {@link #write}.
   *
   * @param source what {@code in} reads (a path), named in errors
   * @throws IOException if {@code in} fails
   * @throws IllegalArgumentException if the data are not a checkpoint, of another version,
   *     truncated or corrupted (CRC mismatch), naming {@code source}
   */
  public static Checkpoint read(InputStream in, String source) throws IOException {
    CheckedInputStream checked =
        new CheckedInputStream(new BufferedInputStream(in, 1 << 16), new CRC32());
    DataInputStream d = new DataInputStream(checked);
    try {
      long magic = d.readLong();
      if (magic != MAGIC) {
        throw new IllegalArgumentException(
            "Not a Trimtab checkpoint: "
                + source
                + " (expected a file written by "
                + "Trimtab's checkpoints; its first bytes differ)");
      }
      int version = d.readInt();
      if (version != VERSION && version != 1) {
        throw new IllegalArgumentException(
            "Checkpoint "
                + source
                + " has format version "
                + version
                + " (this "
                + "Trimtab reads versions 1 .. "
                + VERSION
                + ")");
      }
      String name = d.readUTF();
      TableKind kind = TableKind.valueOf(d.readUTF());
      long dimension = d.readLong();
      int width = d.readInt();
      UpdateRule rule = version == 1 ? readRuleV1(d) : readRule(d);
      long epoch = d.readLong();
      long clock = d.readLong();
      int n = d.readInt();
      if (n < 0 || (long) n * width > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "Checkpoint " + source + " is corrupt: " + n + " keys of width " + width);
      }
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = d.readLong();
      }
      double[] values = new double[n * width];
      for (int i = 0; i < values.length; i++) {
        values[i] = d.readDouble();
      }
      double[] state = new double[n * width * rule.stateWidth()];
      for (int i = 0; i < state.length; i++) {
        state[i] = d.readDouble();
      }
      long computed = checked.getChecksum().getValue();
      long stored = d.readLong();
      if (stored != computed) {
        throw new IllegalArgumentException(
            String.format(
                "Checkpoint %s is corrupt: CRC32 %08x, stored %08x (expected "
                    + "equal; the file was changed or damaged after it was written)",
                source, computed, stored));
      }
      TableSpec spec = new TableSpec(name, kind, dimension, width, rule);
      return new Checkpoint(spec, epoch, new TableSnapshot(clock, keys, values, state));
    } catch (EOFException e) {
      throw new IllegalArgumentException(
          "Checkpoint "
              + source
              + " is truncated (it ends before its CRC; expected "
              + "a complete file: the write was interrupted or the file cut)",
          e);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().contains(source)) {
        throw e;
      }
      throw new IllegalArgumentException(
          "Checkpoint " + source + " is corrupt: " + e.getMessage(), e);
    }
  }

  private static UpdateRule readRule(DataInputStream d) throws IOException {
    String name = d.readUTF();
    int n = d.readInt();
    java.util.Map<String, Double> params = new java.util.TreeMap<>();
    for (int i = 0; i < n; i++) {
      params.put(d.readUTF(), d.readDouble());
    }
    return UpdateRule.of(name, params);
  }

  /** Version 1: ADD, SGD or ADAGRAD, then a learning rate and an L2 strength (unused by ADD). */
  private static UpdateRule readRuleV1(DataInputStream d) throws IOException {
    String kind = d.readUTF();
    double learningRate = d.readDouble();
    double l2 = d.readDouble();
    return switch (kind) {
      case "ADD" -> UpdateRule.add();
      case "SGD" -> UpdateRule.sgd(learningRate, l2);
      case "ADAGRAD" -> UpdateRule.adagrad(learningRate, l2);
      default ->
          throw new IllegalArgumentException(
              "Unknown update rule in a version 1 checkpoint: '"
                  + kind
                  + "' (expected ADD, SGD or ADAGRAD)");
    };
  }
}
