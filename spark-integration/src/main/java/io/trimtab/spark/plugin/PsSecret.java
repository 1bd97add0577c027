package io.trimtab.spark.plugin;

import java.nio.charset.StandardCharsets;
import org.apache.spark.SparkEnv;

/**
 * The secret every PS connection must prove when {@code spark.authenticate} is on: the
 * application's own (Spark's {@code SecurityManager}: {@code spark.authenticate.secret} or the
 * secret Spark generated and handed to the executors), so the PS is exactly as protected as Spark's
 * RPC. Null when authentication is off.
 */
public final class PsSecret {
  private PsSecret() {}

  /** This JVM's secret (driver or executor), or null if {@code spark.authenticate} is off. */
  public static byte[] local() {
    SparkEnv env = SparkEnv.get();
    if (env == null || !env.conf().getBoolean("spark.authenticate", false)) {
      return null;
    }
    String key = env.securityManager().getSecretKey();
    if (key == null || key.isEmpty()) {
      throw new IllegalStateException("spark.authenticate is on but Spark has no secret for this application: set "
          + "spark.authenticate.secret (or run on a cluster manager that generates one)");
    }
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
