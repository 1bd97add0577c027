package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsLogisticRegression;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A session without Trimtab's plugin: training fails at once, naming the setting. */
class PluginNotEnabledTest {

  @Test
  void training_withoutPlugin_failsFastNamingSparkPlugins() {
    SparkSession spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("no-plugin")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    try {
      assertThatThrownBy(() -> new PsLogisticRegression().fit(BuiltinDatasets.heartScale(spark)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "Trimtab's plugin is not enabled: set spark.plugins=io.trimtab.spark.plugin.TrimtabPlugin");
    } finally {
      spark.stop();
    }
  }
}
