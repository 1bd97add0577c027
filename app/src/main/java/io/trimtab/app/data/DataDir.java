package io.trimtab.app.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the directory that holds the built-in data sets, which {@code bin/fetch-data} fills from
 * packages (Debian and npm); nothing is downloaded at run time.
 *
 * <p>The directory is, in this order of precedence: the system property {@value #PROPERTY}, the
 * environment variable {@value #ENV} (the one {@code bin/fetch-data} reads too), or {@code
 * ~/.cache/trimtab/data}. Empty values count as unset. The property wins over the environment so
 * that one JVM (a test, say) can point elsewhere without touching its parent's environment.
 *
 * <p>Thread safety: stateless; every call reads the property and the environment afresh.
 */
public final class DataDir {

  /** System property naming the data directory; overrides {@link #ENV}. */
  public static final String PROPERTY = "trimtab.data";

  /** Environment variable naming the data directory, shared with {@code bin/fetch-data}. */
  public static final String ENV = "TRIMTAB_DATA";

  /** The default data directory, relative to the user's home directory. */
  static final String DEFAULT_UNDER_HOME = ".cache/trimtab/data";

  private DataDir() {}

  /**
   * Returns the data directory, whether or not it exists.
   *
   * @return the absolute, normalized data directory
   */
  public static Path root() {
    return root(System.getProperty(PROPERTY), System.getenv(ENV), System.getProperty("user.home"));
  }

  /**
   * Returns the file or directory {@code relative} inside the data directory, checking that it
   * exists.
   *
   * @param relative a path relative to the data directory, such as {@code "heart_scale"}
   * @return the absolute path of the existing file or directory
   * @throws IllegalStateException if it does not exist; the message names the missing path, where
   *     the data directory came from, and the fix (run {@code bin/fetch-data})
   */
  public static Path require(String relative) {
    String property = System.getProperty(PROPERTY);
    String env = System.getenv(ENV);
    Path root = root(property, env, System.getProperty("user.home"));
    return require(root, relative, source(property, env));
  }

  /** Resolves the data directory from the given property, environment and home values. */
  static Path root(String property, String env, String userHome) {
    if (isSet(property)) {
      return Paths.get(property).toAbsolutePath().normalize();
    }
    if (isSet(env)) {
      return Paths.get(env).toAbsolutePath().normalize();
    }
    if (!isSet(userHome)) {
      throw new IllegalStateException(
          "Cannot locate the data directory: neither -D"
              + PROPERTY
              + ", $"
              + ENV
              + " nor user.home is set");
    }
    return Paths.get(userHome).resolve(DEFAULT_UNDER_HOME).toAbsolutePath().normalize();
  }

  /** Describes where the data directory came from, for error messages. */
  static String source(String property, String env) {
    if (isSet(property)) {
      return "system property " + PROPERTY;
    }
    return isSet(env) ? "environment variable " + ENV : "default ~/" + DEFAULT_UNDER_HOME;
  }

  /** Returns {@code root/relative} if it exists; {@code source} says where root came from. */
  static Path require(Path root, String relative, String source) {
    Path path = root.resolve(relative).normalize();
    if (!Files.exists(path)) {
      throw new IllegalStateException(
          "Missing built-in data: "
              + path
              + " does not exist (data directory "
              + root
              + ", from "
              + source
              + "). Run bin/fetch-data to fetch the built-in data sets"
              + " (for this directory: "
              + ENV
              + "="
              + root
              + " bin/fetch-data).");
    }
    return path;
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }
}
