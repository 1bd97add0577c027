package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.ps.ClientOptions;
import io.trimtab.ps.PsException;
import io.trimtab.ps.ShardAddress;
import io.trimtab.ps.master.PsMaster;
import io.trimtab.spark.ml.Evaluation;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With {@code spark.authenticate=true} and {@code spark.network.crypto.enabled=true} on a
 * multi-process cluster, the executors' shards serve only connections that prove the application's
 * secret, and only encrypted: training works; a client with another secret or none gets no
 * parameter, and one with the secret but without encryption is cut off at its first request.
 */
class AuthenticatedClusterIT {
  private static final String SECRET = "it-secret-" + System.nanoTime();

  @RegisterExtension
  static final SparkCluster cluster =
      SparkCluster.localCluster("local-cluster[2,1,1024]")
          .with("spark.authenticate", "true")
          .with("spark.authenticate.secret", SECRET)
          .with("spark.network.crypto.enabled", "true");

  private static SparkSession spark;

  @BeforeAll
  static void startCluster() {
    spark = cluster.spark();
  }

  @Test
  void training_works_andStrangersAreRefused() throws IOException {
    // scored on rows it did not train on, next to MLlib's logistic regression on the same split
    Dataset<Row>[] split =
        BuiltinDatasets.heartScale(spark).randomSplit(new double[] {0.7, 0.3}, 7);
    Dataset<Row> train = split[0].cache();
    Dataset<Row> test = split[1].cache();
    PsLogisticRegressionModel m =
        new PsLogisticRegression().setEpochs(3).setTuning("off").fit(train);
    Evaluation ev = m.evaluate(test);
    double mllibAuc =
        new BinaryClassificationEvaluator()
            .setMetricName("areaUnderROC")
            .evaluate(new LogisticRegression().fit(train).transform(test));
    System.out.printf(
        "heart_scale held-out (%d rows): Trimtab with authentication and encryption %s; MLlib AUC %.4f%n",
        ev.count(), ev, mllibAuc);
    assertThat(ev.count()).isEqualTo(test.count());
    assertThat(ev.auc()).isGreaterThan(0.8).isGreaterThan(mllibAuc - 0.03);

    List<ShardAddress> shards =
        Trimtab.parameterServer(spark).registrations().stream()
            .map(r -> new ShardAddress(r.host(), r.port()))
            .toList();
    assertThat(shards).hasSize(2);
    try (PsMaster wrong =
        new PsMaster(
            shards,
            ClientOptions.defaults(),
            new io.trimtab.ps.PsSecurity("guess".getBytes(StandardCharsets.UTF_8), false))) {
      assertThatThrownBy(wrong::shardInfo)
          .isInstanceOf(PsException.class)
          .hasMessageContaining("refused authentication");
    }
    try (PsMaster none = new PsMaster(shards, ClientOptions.defaults())) {
      assertThatThrownBy(none::shardInfo).isInstanceOf(PsException.class);
    }
    byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
    try (PsMaster clear =
        new PsMaster(
            shards, ClientOptions.defaults(), new io.trimtab.ps.PsSecurity(secret, false))) {
      assertThatThrownBy(clear::shardInfo)
          .as("the right secret, but no encryption")
          .isInstanceOf(PsException.class);
    }
    try (PsMaster sealed =
        new PsMaster(
            shards, ClientOptions.defaults(), new io.trimtab.ps.PsSecurity(secret, true))) {
      assertThat(sealed.shardInfo()).hasSize(2);
    }
    // a raw TCP client: the shard sends its 40-byte challenge frame and closes when no proof comes
    // back
    try (Socket s = new Socket(shards.get(0).host(), shards.get(0).port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(new byte[] {0, 0, 0, 4, 1, 2, 3, 4});
      s.getOutputStream().flush();
      assertThat(readAll(s.getInputStream())).hasSize(40);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
