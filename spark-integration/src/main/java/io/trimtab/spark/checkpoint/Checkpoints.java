package io.trimtab.spark.checkpoint;

import io.trimtab.ps.TableHandle;
import io.trimtab.ps.checkpoint.Manifest;
import io.trimtab.ps.master.PsMaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A model's checkpoint directory on any Hadoop file system ({@code hdfs:}, {@code s3a:}, {@code
 * file:} when every executor sees the same files, ...): one directory {@code epoch-NNNNNN} per
 * checkpoint, in which every shard writes its own part ({@code part-NNNNN}, in parallel, from its
 * executor) and the driver then writes the {@code _manifest} that lists them, under a temporary
 * name renamed when complete. A checkpoint exists exactly when its manifest does: a crash mid-write
 * leaves a directory without one, which is never read and is removed by the next write. The newest
 * {@code keep} are kept. The driver only ever holds the manifest.
 */
public final class Checkpoints {
  private static final Pattern NAME = Pattern.compile("epoch-(\\d{6,})");
  private static final String MANIFEST = "_manifest";

  private final Path dir;
  private final FileSystem fs;
  private final int keep;

  /**
   * One checkpoint: its directory and manifest.
   *
   * @param dir the {@code epoch-NNNNNN} directory, qualified
   */
  public record Stored(String dir, Manifest manifest) {}

  private Checkpoints(Path dir, FileSystem fs, int keep) {
    this.dir = dir;
    this.fs = fs;
    this.keep = keep;
  }

  /**
   * The checkpoint directory {@code uri} (created if missing).
   *
   * @throws IllegalArgumentException if {@code keep < 1} or the directory cannot be used, naming it
   */
  public static Checkpoints at(String uri, Configuration hadoop, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException(
          "Invalid number of checkpoints to keep: " + keep + " (must be >= 1)");
    }
    Path dir = new Path(uri);
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
        throw new IllegalArgumentException(
            "Checkpoint directory " + uri + " is a file (expected a directory)");
      }
      fs.mkdirs(dir);
      return new Checkpoints(fs.makeQualified(dir), fs, keep);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot use checkpoint directory " + uri + ": " + e.getMessage(), e);
    }
  }

  /** The directory, qualified (e.g. {@code file:/tmp/ck}). */
  public String dir() {
    return dir.toString();
  }

  /**
   * Checkpoints {@code table} as of epoch {@code epoch}: its shards write their parts into {@code
   * epoch-NNNNNN}, then the manifest is written; then all but the newest {@code keep} checkpoints,
   * and unfinished ones older than this, are deleted. Returns the checkpoint's directory.
   */
  public String write(PsMaster master, TableHandle table, long epoch) {
    Path target = new Path(dir, String.format(Locale.ROOT, "epoch-%06d", epoch));
    try {
      writeParts(master, table, epoch, fs, target);
      List<Path> complete = list(fs, dir);
      for (int i = 0; i < complete.size() - keep; i++) {
        fs.delete(complete.get(i), true);
      }
      for (FileStatus st : fs.listStatus(dir)) {
        Path p = st.getPath();
        if (st.isDirectory()
            && epochOf(p) >= 0
            && epochOf(p) < epoch
            && !fs.exists(new Path(p, MANIFEST))) {
          fs.delete(p, true);
        }
      }
      return target.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write checkpoint " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Has the shards of {@code table} write their parts into the directory {@code uri} (replaced if
   * it exists), then writes the manifest: a checkpoint of {@code table} outside any checkpoint
   * directory (a saved model's table). Returns it.
   */
  public static Stored writeTo(
      PsMaster master, TableHandle table, long epoch, String uri, Configuration hadoop) {
    Path target = new Path(uri);
    try {
      FileSystem fs = target.getFileSystem(hadoop);
      Path q = fs.makeQualified(target);
      return new Stored(q.toString(), writeParts(master, table, epoch, fs, q));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + uri + ": " + e.getMessage(), e);
    }
  }

  private static Manifest writeParts(
      PsMaster master, TableHandle table, long epoch, FileSystem fs, Path target)
      throws IOException {
    if (fs.exists(target)) {
      fs.delete(target, true);
    }
    fs.mkdirs(target);
    Manifest m = master.writeParts(table, epoch, target.toString());
    Path tmp = new Path(target, "." + MANIFEST + ".tmp");
    try (FSDataOutputStream out = fs.create(tmp, true)) {
      m.write(out);
      out.hsync();
    }
    if (!fs.rename(tmp, new Path(target, MANIFEST))) {
      throw new IOException("rename of " + tmp + " to " + MANIFEST + " failed");
    }
    return m;
  }

  /** The complete checkpoints (with a manifest) of {@code dir}, oldest first. */
  private static List<Path> list(FileSystem fs, Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    for (FileStatus st : fs.listStatus(dir)) {
      if (st.isDirectory()
          && epochOf(st.getPath()) >= 0
          && fs.exists(new Path(st.getPath(), MANIFEST))) {
        out.add(st.getPath());
      }
    }
    out.sort(Comparator.comparingLong(Checkpoints::epochOf));
    return out;
  }

  private static long epochOf(Path p) {
    Matcher m = NAME.matcher(p.getName());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /**
   * Reads a checkpoint's manifest: of the checkpoint {@code uri} (an {@code epoch-NNNNNN}
   * directory), or of the newest complete checkpoint in the directory {@code uri}.
   *
   * @throws IllegalArgumentException if there is none, or its manifest is not complete and intact,
   *     naming the path
   */
  public static Stored read(String uri, Configuration hadoop) {
    Path p = new Path(uri);
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      if (!fs.exists(p) || !fs.getFileStatus(p).isDirectory()) {
        throw new IllegalArgumentException(
            "No checkpoint at "
                + uri
                + " (expected a checkpoint directory: epoch-NNNNNN with a "
                + MANIFEST
                + ", or a directory of them)");
      }
      if (!fs.exists(new Path(p, MANIFEST))) {
        List<Path> all = list(fs, fs.makeQualified(p));
        if (all.isEmpty()) {
          throw new IllegalArgumentException(
              "No checkpoint in "
                  + uri
                  + " (expected epoch-NNNNNN directories with a "
                  + MANIFEST
                  + "; found "
                  + Arrays.stream(fs.listStatus(p)).map(s -> s.getPath().getName()).toList()
                  + ")");
        }
        p = all.get(all.size() - 1);
      }
      Path manifest = fs.makeQualified(new Path(p, MANIFEST));
      try (FSDataInputStream in = fs.open(manifest)) {
        return new Stored(fs.makeQualified(p).toString(), Manifest.read(in, manifest.toString()));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read checkpoint " + uri + ": " + e.getMessage(), e);
    }
  }
}
