package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.spark.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsSoftmaxRegression;
import io.trimtab.spark.ml.PsSoftmaxRegressionModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models beyond binary logistic regression, each trained on real packaged data on the
 * multi-process cluster and scored next to MLlib's equivalent on the same split.
 */
class ModelsIT {
  private static SparkSession spark;

  @BeforeAll
  static void startCluster() {
    spark = ClusterSessions.localCluster("local-cluster[2,1,2048]", "trimtab-models-it",
        Map.of("spark.executor.memory", "2g"));
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void softmax_onFashionMnistsTenClasses_isAsAccurateAsMllibsMultinomialRegression(@TempDir Path dir)
      throws Exception {
    Dataset<Row> train = BuiltinDatasets.fashionMnist(spark).cache();
    Dataset<Row> test = BuiltinDatasets.fashionMnistTest(spark).cache();
    long t0 = System.nanoTime();
    PsSoftmaxRegressionModel model = new PsSoftmaxRegression().setEpochs(10).setBatchesPerEpoch(20).setStepSize(0.05)
        .setNumWorkers(2).setTuning("off").fit(train);
    double trimtabSeconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    LogisticRegressionModel mllib = new LogisticRegression().setFamily("multinomial").setMaxIter(30).fit(train);
    double mllibSeconds = (System.nanoTime() - t0) / 1e9;

    MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
    MulticlassClassificationEvaluator logLoss = new MulticlassClassificationEvaluator().setMetricName("logLoss");
    Dataset<Row> scored = model.transform(test).cache();
    Dataset<Row> mllibScored = mllib.transform(test).cache();
    double acc = accuracy.evaluate(scored);
    double mllibAcc = accuracy.evaluate(mllibScored);
    double ll = logLoss.evaluate(scored);
    double mllibLl = logLoss.evaluate(mllibScored);
    System.out.printf(Locale.ROOT, "Fashion-MNIST, 10 classes, 60000 train / 10000 test: Trimtab softmax accuracy "
        + "%.4f log-loss %.4f (fit %.1f s, %d epochs); MLlib multinomial LogisticRegression accuracy %.4f log-loss "
        + "%.4f (fit %.1f s, %d iterations)%n", acc, ll, trimtabSeconds, model.epochs().size(), mllibAcc, mllibLl,
        mllibSeconds, mllib.summary().totalIterations());
    assertThat(model.numClasses()).isEqualTo(10);
    assertThat(acc).isGreaterThan(0.80);
    assertThat(acc).isGreaterThan(mllibAcc - 0.03);
    // the loss it reports per epoch went down
    assertThat(model.epochs().get(9).trainLoss()).isLessThan(model.epochs().get(0).trainLoss());

    String path = dir.resolve("softmax").toString();
    model.write().overwrite().save(path);
    PsSoftmaxRegressionModel back = PsSoftmaxRegressionModel.load(path);
    assertThat(back.numClasses()).isEqualTo(10);
    assertThat(back.coefficientMatrix()).isEqualTo(model.coefficientMatrix());
    List<Row> before = scored.select("prediction").limit(500).collectAsList();
    List<Row> after = back.transform(test).select("prediction").limit(500).collectAsList();
    assertThat(after).isEqualTo(before);
    train.unpersist();
  }

  @Test
  void softmax_refusesALabelOutsideItsClasses_namingIt() {
    Dataset<Row> heart = BuiltinDatasets.heartScale(spark);
    Dataset<Row> relabeled = heart.withColumn("label", functions.when(functions.col("label").equalTo(1.0), 2.5)
        .otherwise(0.0));
    assertThatThrownBy(() -> new PsSoftmaxRegression().setTuning("off").setNumWorkers(2).fit(relabeled))
        .hasMessageContaining("Invalid largest label 2.5 in column 'label'");
    assertThatThrownBy(() -> new PsSoftmaxRegression().setNumClasses(2).setTuning("off").setNumWorkers(2)
        .fit(relabeled)).hasMessageContaining("Invalid label 2.5").hasMessageContaining("expected a class 0, 1, ..., 1");
  }
}
