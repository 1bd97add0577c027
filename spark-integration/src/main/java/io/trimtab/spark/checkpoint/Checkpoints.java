package io.trimtab.spark.checkpoint;

import io.trimtab.ps.checkpoint.Checkpoint;
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
 * A model's checkpoint directory on any Hadoop file system ({@code file:}, {@code hdfs:}, ...,
 * through Spark's Hadoop configuration): files {@code epoch-NNNNNN.ckpt}, each written to a
 * temporary name and renamed when complete, so that a crash mid-write never leaves a partial file
 * under a checkpoint's name; the newest {@code keep} are kept. Driver-side.
 */
public final class Checkpoints {
  private static final Pattern NAME = Pattern.compile("epoch-(\\d{6,})\\.ckpt");

  private final Path dir;
  private final FileSystem fs;
  private final int keep;

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
   * Writes {@code c} as {@code epoch-NNNNNN.ckpt} and deletes all but the newest {@code keep};
   * returns its path.
   */
  public String write(Checkpoint c) {
    Path target = new Path(dir, String.format(Locale.ROOT, "epoch-%06d.ckpt", c.epoch()));
    Path tmp = new Path(dir, "." + target.getName() + ".tmp");
    try {
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        c.write(out);
        out.hsync();
      }
      if (fs.exists(target)) {
        fs.delete(target, false);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename of " + tmp + " to " + target + " failed");
      }
      List<Path> all = list();
      for (int i = 0; i < all.size() - keep; i++) {
        fs.delete(all.get(i), false);
      }
      return target.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write checkpoint " + target + ": " + e.getMessage(), e);
    }
  }

  /** The checkpoint files of the directory, oldest first. */
  public List<Path> list() throws IOException {
    List<Path> out = new ArrayList<>();
    for (FileStatus st : fs.listStatus(dir)) {
      if (st.isFile() && NAME.matcher(st.getPath().getName()).matches()) {
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
   * Reads a checkpoint: the file {@code uri}, or the newest {@code epoch-NNNNNN.ckpt} of the
   * directory {@code uri}.
   *
   * @throws IllegalArgumentException if there is none, or it is not a complete, intact checkpoint,
   *     naming the path
   */
  public static Checkpoint read(String uri, Configuration hadoop) {
    Path p = new Path(uri);
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      if (!fs.exists(p)) {
        throw new IllegalArgumentException(
            "No checkpoint at "
                + uri
                + " (expected a checkpoint file or a directory "
                + "of epoch-NNNNNN.ckpt files)");
      }
      if (fs.getFileStatus(p).isDirectory()) {
        List<Path> all = new Checkpoints(fs.makeQualified(p), fs, 1).list();
        if (all.isEmpty()) {
          throw new IllegalArgumentException(
              "No checkpoint in "
                  + uri
                  + " (expected epoch-NNNNNN.ckpt files; found "
                  + Arrays.stream(fs.listStatus(p)).map(s -> s.getPath().getName()).toList()
                  + ")");
        }
        p = all.get(all.size() - 1);
      }
      try (FSDataInputStream in = fs.open(p)) {
        return Checkpoint.read(in, fs.makeQualified(p).toString());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read checkpoint " + uri + ": " + e.getMessage(), e);
    }
  }
}
