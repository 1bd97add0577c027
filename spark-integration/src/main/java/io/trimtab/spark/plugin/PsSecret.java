package io.trimtab.spark.plugin;

import io.trimtab.ps.PsSecurity;
import java.nio.charset.StandardCharsets;
import org.apache.spark.SparkEnv;

/**
 * The secret every PS connection must prove when {@code spark.authenticate} is on: the
 * application's own (Spark's {@code SecurityManager}: {@code spark.authenticate.secret} or the
 * secret Spark generated and handed to the executors), so the PS is exactly as protected as Spark's
 * RPC; PS traffic is encrypted when Spark's is ({@code spark.network.crypto.enabled}). Null when
 * authentication is off.
 */
public final class PsSecret {
  private PsSecret() {}

  /**
   * This JVM's PS security (driver or executor): the application's secret, and encryption if {@code
   * spark.network.crypto.enabled}; null if {@code spark.authenticate} is off.
   */
  public static PsSecurity local() {
    SparkEnv env = SparkEnv.get();
    if (env == null || !env.conf().getBoolean("spark.authenticate", false)) {
      return null;
    }
    String key = env.securityManager().getSecretKey();
    if (key == null || key.isEmpty()) {
      throw new IllegalStateException(
          "spark.authenticate is on but Spark has no secret for this application: set "
              + "spark.authenticate.secret (or run on a cluster manager that generates one)");
    }
    return new PsSecurity(
        key.getBytes(StandardCharsets.UTF_8),
        env.conf().getBoolean("spark.network.crypto.enabled", false));
  }
}
