package io.trimtab.spark.checkpoint;

import io.trimtab.ps.PartFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The files a shard writes and reads its checkpoint and model parts through, in an executor: any
 * Hadoop file system, configured as Spark configures the executor's (its {@code spark.hadoop.*}
 * settings over Hadoop's defaults and site files).
 */
public final class HadoopPartFiles implements PartFiles {
  private static final String PREFIX = "spark.hadoop.";
  private final Configuration hadoop;

  private HadoopPartFiles(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /** The file systems of an executor whose configuration is {@code conf}. */
  public static HadoopPartFiles of(SparkConf conf) {
    Configuration hadoop = new Configuration();
    for (Tuple2<String, String> e : conf.getAll()) {
      if (e._1().startsWith(PREFIX)) {
        hadoop.set(e._1().substring(PREFIX.length()), e._2());
      }
    }
    return new HadoopPartFiles(hadoop);
  }

  /** The file systems of {@code hadoop} (the driver's, in tests). */
  public static HadoopPartFiles of(Configuration hadoop) {
    return new HadoopPartFiles(new Configuration(hadoop));
  }

  @Override
  public OutputStream create(String uri) throws IOException {
    Path p = new Path(uri);
    return p.getFileSystem(hadoop).create(p, true);
  }

  @Override
  public InputStream open(String uri) throws IOException {
    Path p = new Path(uri);
    return p.getFileSystem(hadoop).open(p);
  }

  @Override
  public String toString() {
    return "HadoopPartFiles" + Map.of("fs.defaultFS", hadoop.get("fs.defaultFS", "file:///"));
  }
}
