package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsFactorizationMachine;
import io.trimtab.spark.ml.PsFactorizationMachineModel;
import io.trimtab.spark.ml.PsMultilayerPerceptron;
import io.trimtab.spark.ml.PsMultilayerPerceptronModel;
import io.trimtab.spark.ml.PsSoftmaxRegression;
import io.trimtab.spark.ml.PsSoftmaxRegressionModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.regression.FMRegressor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models beyond binary logistic regression, each trained on real packaged data on the
 * multi-process cluster and scored next to MLlib's equivalent on the same split. Hyper-parameters
 * (SELECTION below) were chosen on validation splits carved out of the training data, never on the
 * test split scored here: {@code benchmarks/run-select-models}, results in {@code
 * benchmarks/results/models/selection.txt}. MLlib's L-BFGS classifiers have no step size.
 */
class ModelsIT {
  @RegisterExtension
  static final SparkCluster cluster =
      SparkCluster.localCluster("local-cluster[2,1,2048]")
          .with("spark.executor.memory", "2g")
          // minutes of number crunching in the executors: C2 pays for itself here (TestJvms)
          .with("spark.executor.extraJavaOptions", "");

  private static SparkSession spark;

  @BeforeAll
  static void startCluster() {
    spark = cluster.spark();
  }

  @Test
  void softmax_onFashionMnistsTenClasses_isAsAccurateAsMllibsMultinomialRegression(
      @TempDir Path dir) throws Exception {
    Dataset<Row> train = BuiltinDatasets.fashionMnist(spark).cache();
    Dataset<Row> test = BuiltinDatasets.fashionMnistTest(spark).cache();
    long t0 = System.nanoTime();
    // 100 mini-batches per epoch (240 images per worker and clock) and step 0.1: the best of 20/100
    // batches and steps 0.02-0.2 on a validation split of the training images (SELECTION)
    PsSoftmaxRegressionModel model =
        new PsSoftmaxRegression()
            .setEpochs(10)
            .setBatchesPerEpoch(100)
            .setStepSize(0.1)
            .setNumWorkers(2)
            .setTuning("off")
            .fit(train);
    double trimtabSeconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    LogisticRegressionModel mllib =
        new LogisticRegression()
            .setFamily("multinomial")
            .setMaxIter(30)
            .fit(ClusterSessions.onePartitionPerTaskSlot(train));
    double mllibSeconds = (System.nanoTime() - t0) / 1e9;

    MulticlassClassificationEvaluator accuracy =
        new MulticlassClassificationEvaluator().setMetricName("accuracy");
    MulticlassClassificationEvaluator logLoss =
        new MulticlassClassificationEvaluator().setMetricName("logLoss");
    Dataset<Row> scored = model.transform(test).cache();
    Dataset<Row> mllibScored = mllib.transform(test).cache();
    double acc = accuracy.evaluate(scored);
    double mllibAcc = accuracy.evaluate(mllibScored);
    double ll = logLoss.evaluate(scored);
    double mllibLl = logLoss.evaluate(mllibScored);
    System.out.printf(
        Locale.ROOT,
        "Fashion-MNIST, 10 classes, %d train / 10000 test: Trimtab softmax accuracy "
            + "%.4f log-loss %.4f (fit %.1f s, %d epochs); MLlib multinomial LogisticRegression accuracy %.4f log-loss "
            + "%.4f (fit %.1f s, %d iterations)%n",
        train.count(),
        acc,
        ll,
        trimtabSeconds,
        model.epochs().size(),
        mllibAcc,
        mllibLl,
        mllibSeconds,
        mllib.summary().totalIterations());
    assertThat(model.numClasses()).isEqualTo(10);
    assertThat(acc).isGreaterThan(0.80);
    assertThat(acc).isGreaterThan(mllibAcc - 0.01);
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
    Dataset<Row> relabeled =
        heart.withColumn(
            "label", functions.when(functions.col("label").equalTo(1.0), 2.5).otherwise(0.0));
    assertThatThrownBy(
            () -> new PsSoftmaxRegression().setTuning("off").setNumWorkers(2).fit(relabeled))
        .hasMessageContaining("Invalid largest label 2.5 in column 'label'");
    assertThatThrownBy(
            () ->
                new PsSoftmaxRegression()
                    .setNumClasses(2)
                    .setTuning("off")
                    .setNumWorkers(2)
                    .fit(relabeled))
        .hasMessageContaining("Invalid label 2.5")
        .hasMessageContaining("expected a class 0, 1, ..., 1");
  }

  @Test
  void factorizationMachine_onMovieLensRatings_beatsTheMean_likeMllibsFmRegressor(@TempDir Path dir)
      throws Exception {
    // one-hot user and movie: a factorization machine over them is biased matrix factorization.
    // Both sides' step size and L2 are the best of one grid (steps 0.05-0.3, L2 1e-3-1e-2) on a
    // validation split of the training ratings (SELECTION)
    Dataset<Row>[] split =
        BuiltinDatasets.movieLensOneHot(spark).randomSplit(new double[] {0.8, 0.2}, 11);
    Dataset<Row> train = split[0].cache();
    Dataset<Row> test = split[1].cache();
    long t0 = System.nanoTime();
    PsFactorizationMachineModel fm =
        new PsFactorizationMachine()
            .setFactorSize(8)
            .setEpochs(30)
            .setBatchesPerEpoch(20)
            .setStepSize(0.3)
            .setRegParam(0.001)
            .setNumWorkers(2)
            .setTuning("off")
            .fit(train);
    double trimtabSeconds = (System.nanoTime() - t0) / 1e9;
    int slots = spark.sparkContext().defaultParallelism();
    t0 = System.nanoTime();
    org.apache.spark.ml.regression.FMRegressionModel mllib =
        new FMRegressor()
            .setFactorSize(8)
            .setMaxIter(50)
            .setStepSize(0.05)
            .setRegParam(0.003)
            .fit(ClusterSessions.onePartitionPerTaskSlot(train));
    double mllibSeconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    org.apache.spark.ml.recommendation.ALSModel als =
        new org.apache.spark.ml.recommendation.ALS()
            .setUserCol("userId")
            .setItemCol("movieId")
            .setRatingCol("label")
            .setRank(8)
            .setRegParam(0.1)
            .setMaxIter(10)
            .setColdStartStrategy("drop")
            .setSeed(5)
            // one block of users and one of movies per task slot, as its input (default: 10 each)
            .setNumUserBlocks(slots)
            .setNumItemBlocks(slots)
            .fit(ClusterSessions.onePartitionPerTaskSlot(train));
    double alsSeconds = (System.nanoTime() - t0) / 1e9;

    RegressionEvaluator rmse = new RegressionEvaluator().setMetricName("rmse");
    double mean = train.agg(functions.avg("label")).head().getDouble(0);
    double baseline = rmse.evaluate(test.withColumn("prediction", functions.lit(mean)));
    Dataset<Row> scored = fm.transform(test).cache();
    double ours = rmse.evaluate(scored);
    double theirs = rmse.evaluate(mllib.transform(test));
    double alsRmse = rmse.evaluate(als.transform(test));
    System.out.printf(
        Locale.ROOT,
        "MovieLens %d train / %d test ratings, %d features: test RMSE Trimtab FM %.4f "
            + "(fit %.1f s, %d epochs), MLlib FMRegressor %.4f (fit %.1f s), MLlib ALS rank 8 %.4f (fit %.1f s, test rows "
            + "of unseen users or movies dropped), predicting the mean %.4f%n",
        train.count(),
        test.count(),
        fm.numFeatures(),
        ours,
        trimtabSeconds,
        fm.epochs().size(),
        theirs,
        mllibSeconds,
        alsRmse,
        alsSeconds,
        baseline);
    assertThat(ours).isLessThan(baseline - 0.05);
    assertThat(ours).isLessThan(theirs + 0.02);
    assertThat(ours).isLessThan(alsRmse + 0.05);

    String path = dir.resolve("fm").toString();
    fm.write().overwrite().save(path);
    PsFactorizationMachineModel back = PsFactorizationMachineModel.load(path);
    assertThat(back.factorSize()).isEqualTo(8);
    assertThat(back.transform(test).select("prediction").limit(300).collectAsList())
        .isEqualTo(scored.select("prediction").limit(300).collectAsList());
  }

  @Test
  void multilayerPerceptron_onFashionMnist_isAsAccurateAsMllibsPerceptron(@TempDir Path dir)
      throws Exception {
    // a third of the training images keeps both fits short on two cores (MLlib's is the slower)
    Dataset<Row> train = BuiltinDatasets.fashionMnist(spark).sample(false, 1.0 / 3, 17).cache();
    Dataset<Row> test = BuiltinDatasets.fashionMnistTest(spark).cache();
    long t0 = System.nanoTime();
    PsMultilayerPerceptronModel mlp =
        new PsMultilayerPerceptron()
            .setHiddenSize(HIDDEN)
            .setEpochs(MLP_EPOCHS)
            .setBatchesPerEpoch(20)
            .setStepSize(MLP_STEP)
            .setNumWorkers(2)
            .setTuning("off")
            .fit(train);
    double trimtabSeconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    MultilayerPerceptronClassificationModel mllib =
        new MultilayerPerceptronClassifier()
            .setLayers(new int[] {784, HIDDEN, 10})
            .setMaxIter(MLLIB_ITER)
            .setSeed(3)
            .fit(ClusterSessions.onePartitionPerTaskSlot(train));
    double mllibSeconds = (System.nanoTime() - t0) / 1e9;

    MulticlassClassificationEvaluator accuracy =
        new MulticlassClassificationEvaluator().setMetricName("accuracy");
    Dataset<Row> scored = mlp.transform(test).cache();
    double ours = accuracy.evaluate(scored);
    double theirs = accuracy.evaluate(mllib.transform(test));
    System.out.printf(
        Locale.ROOT,
        "Fashion-MNIST, 10 classes, %d train / 10000 test: test accuracy Trimtab MLP "
            + "784-%d-10 %.4f (fit %.1f s, %d epochs), MLlib MultilayerPerceptronClassifier 784-%d-10 %.4f (fit %.1f s, "
            + "%d iterations)%n",
        train.count(),
        HIDDEN,
        ours,
        trimtabSeconds,
        mlp.epochs().size(),
        HIDDEN,
        theirs,
        mllibSeconds,
        MLLIB_ITER);
    assertThat(ours).isGreaterThan(0.80);
    assertThat(ours).isGreaterThan(theirs - 0.03);

    String path = dir.resolve("mlp").toString();
    mlp.write().overwrite().save(path);
    PsMultilayerPerceptronModel back = PsMultilayerPerceptronModel.load(path);
    assertThat(back.hiddenSize()).isEqualTo(HIDDEN);
    assertThat(back.numClasses()).isEqualTo(10);
    assertThat(back.transform(test).select("prediction").limit(300).collectAsList())
        .isEqualTo(scored.select("prediction").limit(300).collectAsList());
    train.unpersist();
  }

  private static final int HIDDEN = 32;
  private static final int MLLIB_ITER = 30;
  private static final int MLP_EPOCHS = 10;

  /**
   * Adagrad's first step moves every weight by about this much: the best of 0.005-0.2 on a
   * validation split of the training images (SELECTION).
   */
  private static final double MLP_STEP = 0.01;
}
