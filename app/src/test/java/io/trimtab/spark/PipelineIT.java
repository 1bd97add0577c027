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
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.RegexTokenizer;
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
 * Trimtab's logistic regression as a Spark ML stage on the multi-process cluster: in a Pipeline
 * that tokenizes and hashes the SpamAssassin emails itself, next to MLlib's LogisticRegression in
 * the same Pipeline; saved and loaded (estimator, model, whole PipelineModel); with a ParamMap.
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
  void aPipelineOfTokenizerHashingAndTrimtab_trainsSpam_andSavesAndLoads_withTheSamePredictions(
      @TempDir Path dir) throws Exception {
    Dataset<Row>[] split =
        BuiltinDatasets.spamAssassinText(spark).randomSplit(new double[] {0.8, 0.2}, 7);
    Dataset<Row> train = split[0].cache();
    Dataset<Row> test = split[1].cache();
    RegexTokenizer tokens =
        new RegexTokenizer()
            .setInputCol("text")
            .setOutputCol("words")
            .setPattern("[^\\p{L}\\p{N}]+")
            .setMinTokenLength(2);
    HashingTF tf =
        new HashingTF().setInputCol("words").setOutputCol("features").setNumFeatures(1 << 18);
    PsLogisticRegression trimtab =
        new PsLogisticRegression()
            .setEpochs(10)
            .setBatchesPerEpoch(10)
            .setStepSize(0.5)
            .setRegParam(1e-5)
            .setNumWorkers(2)
            .setTuning("off");
    long t0 = System.nanoTime();
    PipelineModel fitted =
        new Pipeline().setStages(new PipelineStage[] {tokens, tf, trimtab}).fit(train);
    double trimtabSeconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    PipelineModel mllib =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  tokens, tf, new LogisticRegression().setMaxIter(25).setRegParam(1e-5)
                })
            .fit(ClusterSessions.onePartitionPerTaskSlot(train));
    double mllibSeconds = (System.nanoTime() - t0) / 1e9;

    BinaryClassificationEvaluator auc = new BinaryClassificationEvaluator();
    Dataset<Row> scored = fitted.transform(test).cache();
    double trimtabAuc = auc.setRawPredictionCol("probability").evaluate(scored);
    double mllibAuc = auc.setRawPredictionCol("rawPrediction").evaluate(mllib.transform(test));
    System.out.printf(
        Locale.ROOT,
        "SpamAssassin text pipeline, %d train / %d test rows: test AUC Trimtab %.4f "
            + "(fit %.1f s), MLlib LogisticRegression %.4f (fit %.1f s)%n",
        train.count(),
        test.count(),
        trimtabAuc,
        trimtabSeconds,
        mllibAuc,
        mllibSeconds);
    assertThat(trimtabAuc).isGreaterThan(0.97);
    assertThat(trimtabAuc).isGreaterThan(mllibAuc - 0.02);

    PsLogisticRegressionModel model = (PsLogisticRegressionModel) fitted.stages()[2];
    assertThat(model.parent().uid()).isEqualTo(trimtab.uid());
    assertThat(model.epochs()).hasSize(10);
    assertThat(model.numFeatures()).isEqualTo(1 << 18);

    String path = dir.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    PsLogisticRegressionModel back = (PsLogisticRegressionModel) loaded.stages()[2];
    assertThat(back.uid()).isEqualTo(model.uid());
    assertThat(back.weights()).containsExactly(model.weights());
    assertThat(back.intercept()).isEqualTo(model.intercept());
    assertThat(back.trainingRows()).isEqualTo(model.trainingRows());
    assertThat(back.epochs()).isEmpty();
    List<Row> before = scored.select("probability", "prediction").collectAsList();
    List<Row> after = loaded.transform(test).select("probability", "prediction").collectAsList();
    assertThat(after).hasSize(before.size()).isEqualTo(before);
    assertThat(before.stream().filter(r -> r.getDouble(1) == 1.0).count()).isGreaterThan(0);
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
            .setResumeFrom("/tmp/ck/latest");
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
