package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class TrimtabConfTest {

  @Test
  void readmeTable_listsEveryKeyWithItsDefault() throws Exception {
    Path readme = Path.of(System.getProperty("basedir", "."), "..", "README.md");
    String text = Files.readString(readme);
    for (TrimtabConf.Key key : TrimtabConf.KEYS) {
      assertThat(text)
          .as("README row for " + key.name())
          .contains("| `" + key.name() + "` | `" + key.defaultValue() + "` | " + key.doc() + " |");
    }
  }

  @Test
  void defaults_parse() {
    TrimtabConf conf = new TrimtabConf(new SparkConf(false));
    assertThat(conf.shardPort()).isZero();
    assertThat(conf.shardIoThreads()).isEqualTo(2);
    assertThat(conf.registrationTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(conf.clientOptions().requestTimeout()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void badValues_nameTheKeyAndWhatWasExpected() {
    assertThatThrownBy(
            () ->
                new TrimtabConf(new SparkConf(false).set("spark.trimtab.shard.port", "70000"))
                    .shardPort())
        .hasMessage("Invalid spark.trimtab.shard.port: 70000 (expected 0 .. 65535)");
    assertThatThrownBy(
            () ->
                new TrimtabConf(new SparkConf(false).set("spark.trimtab.shard.ioThreads", "two"))
                    .shardIoThreads())
        .hasMessage("Invalid spark.trimtab.shard.ioThreads: 'two' (expected an integer 1 .. 1024)");
    assertThatThrownBy(
            () ->
                new TrimtabConf(
                        new SparkConf(false).set("spark.trimtab.client.requestTimeout", "soon"))
                    .clientOptions())
        .hasMessage(
            "Invalid spark.trimtab.client.requestTimeout: 'soon' (expected a duration such as 30s or 500ms)");
  }
}
