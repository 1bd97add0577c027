package io.trimtab.ps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where shard servers write and read their own parts of checkpoints and saved models, named by URI.
 * In Spark the executors use any Hadoop file system ({@code file:}, {@code hdfs:}, ...); outside
 * Spark, {@link #local()} is the local one. Parts never pass through the driver.
 *
 * <p>Implementations are thread-safe.
 */
public interface PartFiles {

  /** A new file at {@code uri}, replacing any there, its parent directories created. */
  OutputStream create(String uri) throws IOException;

  /** Opens the file at {@code uri}. */
  InputStream open(String uri) throws IOException;

  /** The local file system: {@code file:} URIs and plain paths. */
  static PartFiles local() {
    return Local.INSTANCE;
  }

  /** {@link #local()}. */
  final class Local implements PartFiles {
    private static final Local INSTANCE = new Local();

    private Local() {}

    private static Path path(String uri) {
      return uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
    }

    @Override
    public OutputStream create(String uri) throws IOException {
      Path p = path(uri);
      if (p.getParent() != null) {
        Files.createDirectories(p.getParent());
      }
      return Files.newOutputStream(p);
    }

    @Override
    public InputStream open(String uri) throws IOException {
      return Files.newInputStream(path(uri));
    }
  }
}
