package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trimtab's logistic regression as a Spark ML stage on the multi-process cluster: behind an MLlib
 * stage in a Pipeline, saved and loaded (estimator, model, whole PipelineModel); with a ParamMap.
 * The text pipeline of the SpamAssassin emails (tokenizer, hashing, Trimtab; its AUC, and the same
 * weights and AUC after a save and load) is the quickstart note's, which {@code NotebooksIT} runs;
 * {@code examples/SpamPipeline.java} trains it through spark-submit ({@code ReadmeIT}); Trimtab and
 * MLlib side by side on those emails are {@code LocalClusterIT}'s and the mllib-comparison note's.
 */
class PipelineIT {
  @RegisterExtension
  static final SparkCluster cluster = SparkCluster.localCluster("local-cluster[2,1,1024]");

  private static SparkSession spark;

  @BeforeAll
  static void startCluster() {
    spark = cluster.spark();
  }

  @Test
  void aPipelineWithTrimtab_savesAndLoads_withTheSameModelAndPredictions(@TempDir Path dir)
      throws Exception {
    Dataset<Row>[] split =
        BuiltinDatasets.heartScale(spark).randomSplit(new double[] {0.8, 0.2}, 7);
    Dataset<Row> train = split[0].cache();
    Dataset<Row> test = split[1].cache();
    // an MLlib estimator in front (its model is saved and loaded with the pipeline too)
    StandardScaler scale =
        new StandardScaler().setInputCol("features").setOutputCol("scaled").setWithMean(false);
    // Trimtab at its defaults but for the epochs, next to MLlib's LogisticRegression at its own
    PsLogisticRegression trimtab =
        new PsLogisticRegression()
            .setFeaturesCol("scaled")
            .setEpochs(10)
            .setNumWorkers(2)
            .setTuning("off");
    PipelineModel fitted =
        new Pipeline().setStages(new PipelineStage[] {scale, trimtab}).fit(train);
    PipelineModel mllib =
        new Pipeline()
            .setStages(
                new PipelineStage[] {scale, new LogisticRegression().setFeaturesCol("scaled")})
            .fit(train);

    Dataset<Row> scored = fitted.transform(test).cache();
    BinaryClassificationEvaluator evaluator = new BinaryClassificationEvaluator();
    double auc = evaluator.setRawPredictionCol("probability").evaluate(scored);
    double mllibAuc =
        evaluator.setRawPredictionCol("rawPrediction").evaluate(mllib.transform(test));
    System.out.printf(
        Locale.ROOT,
        "heart_scale pipeline, %d train / %d test rows: test AUC Trimtab %.4f, MLlib "
            + "LogisticRegression %.4f%n",
        train.count(),
        test.count(),
        auc,
        mllibAuc);
    assertThat(auc).isGreaterThan(0.8).isGreaterThan(mllibAuc - 0.02);

    PsLogisticRegressionModel model = (PsLogisticRegressionModel) fitted.stages()[1];
    assertThat(model.parent().uid()).isEqualTo(trimtab.uid());
    assertThat(model.epochs()).hasSize(10);
    assertThat(model.numFeatures()).isEqualTo(BuiltinDatasets.HEART_SCALE_FEATURES);
    assertThat(model.trainingRows()).isEqualTo(train.count());

    String path = dir.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertThat(loaded.stages()[0].uid()).isEqualTo(fitted.stages()[0].uid());
    PsLogisticRegressionModel back = (PsLogisticRegressionModel) loaded.stages()[1];
    assertThat(back.uid()).isEqualTo(model.uid());
    assertThat(back.weights()).containsExactly(model.weights());
    assertThat(back.intercept()).isEqualTo(model.intercept());
    assertThat(back.trainingRows()).isEqualTo(model.trainingRows());
    assertThat(back.getFeaturesCol()).isEqualTo("scaled");
    assertThat(back.epochs()).isEmpty();
    List<Row> before = scored.select("probability", "prediction").collectAsList();
    List<Row> after = loaded.transform(test).select("probability", "prediction").collectAsList();
    assertThat(after).hasSize(before.size()).isEqualTo(before);
    long positive = before.stream().filter(r -> r.getDouble(1) == 1.0).count();
    assertThat(positive).isGreaterThan(0).isLessThan(before.size());
  }

  @Test
  void anEstimatorWithEveryParamSet_savesAndLoads_equal(@TempDir Path dir) throws Exception {
    PsLogisticRegression lr =
        new PsLogisticRegression()
            .setLabelCol("y")
            .setFeaturesCol("x")
            .setPredictionCol("p")
            .setProbabilityCol("q")
            .setEpochs(7)
            .setBatchesPerEpoch(3)
            .setNumWorkers(2)
            .setNumShards(1)
            .setStepSize(0.25)
            .setRegParam(1e-3)
            .setUpdater("sgd")
            .setPartitioner("range")
            .setSeed(9)
            .setStaleness("ssp:2")
            .setAggregation("executor-combine")
            .setTuning("staleness,workers")
            .setTargetLoss(0.2)
            .setCheckpointDir("/tmp/ck")
            .setResumeFrom("/tmp/ck/latest")
            .setTableLayout("sparse")
            .setModelPlacement("shards")
            .setIndicesCol("i")
            .setValuesCol("v")
            .setNumFeatures(1L << 40);
    for (Param<?> p : lr.params()) {
      assertThat(lr.isSet(p)).as("set: " + p.name()).isTrue();
    }
    String path = dir.resolve("estimator").toString();
    lr.write().overwrite().save(path);
    PsLogisticRegression back = PsLogisticRegression.load(path);
    assertThat(back.uid()).isEqualTo(lr.uid());
    for (Param<?> p : lr.params()) {
      assertThat(back.getOrDefault(back.getParam(p.name())))
          .as(p.name())
          .isEqualTo(lr.getOrDefault(p));
    }
  }

  @Test
  void fitWithAParamMap_overridesTheParams_forThatFitOnly() {
    Dataset<Row> heart = BuiltinDatasets.heartScale(spark);
    PsLogisticRegression lr =
        new PsLogisticRegression()
            .setEpochs(5)
            .setNumWorkers(2)
            .setTuning("off")
            .setProbabilityCol("p");
    PsLogisticRegressionModel model =
        lr.fit(heart, new ParamMap().put(lr.epochs(), 2).put(lr.predictionCol(), "yhat"));
    assertThat(model.epochs()).hasSize(2);
    assertThat(model.getPredictionCol()).isEqualTo("yhat");
    assertThat(model.getProbabilityCol()).isEqualTo("p");
    assertThat(lr.getEpochs()).isEqualTo(5);
    assertThat(model.transform(heart).columns()).contains("p", "yhat");
  }
}
