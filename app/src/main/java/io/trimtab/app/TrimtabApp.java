package io.trimtab.app;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.app.data.LibSvm;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.TrimtabConf;
import io.trimtab.spark.ml.PsEstimator;
import io.trimtab.spark.ml.PsFactorizationMachine;
import io.trimtab.spark.ml.PsFactorizationMachineModel;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import io.trimtab.spark.ml.PsModel;
import io.trimtab.spark.ml.PsMultilayerPerceptron;
import io.trimtab.spark.ml.PsMultilayerPerceptronModel;
import io.trimtab.spark.ml.PsSoftmaxRegression;
import io.trimtab.spark.ml.PsSoftmaxRegressionModel;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The spark-submit application: trains one of Trimtab's models ({@code --model}) on its parameter
 * server, from a LibSVM file or a built-in data set, printing one line per epoch and the held-out
 * metrics.
 *
 * <pre>
 * spark-submit --class io.trimtab.app.TrimtabApp trimtab-app-*.jar --dataset spam
 * spark-submit --class io.trimtab.app.TrimtabApp trimtab-app-*.jar --data file.libsvm
 * </pre>
 */
@Command(
    name = "trimtab",
    mixinStandardHelpOptions = true,
    description =
        "Train a model (logistic or softmax regression, a factorization machine, a multilayer perceptron) "
            + "on Trimtab's parameter server inside Spark executors, then score it on a held-out split.")
public final class TrimtabApp implements Callable<Integer> {

  /** The models the application trains. */
  enum ModelKind {
    logreg,
    softmax,
    fm,
    mlp
  }

  @Option(
      names = "--model",
      defaultValue = "logreg",
      description =
          "What to train: ${COMPLETION-CANDIDATES} "
              + "(logreg: binary logistic regression, labels 0/1; softmax: multinomial, classes 0..K-1; fm: factorization "
              + "machine, see --fm-loss; mlp: one hidden layer of --hidden ReLU units, classes 0..K-1; default: "
              + "${DEFAULT-VALUE})")
  ModelKind model;

  @Option(
      names = "--data",
      description =
          "LibSVM file to train on (labels 0/1 or -1/+1 for logreg); overrides " + "--dataset")
  String data;

  @Option(
      names = "--dataset",
      defaultValue = "spam",
      description =
          "Built-in real data set: heart_scale, spam, fashion_footwear, fashion_footwear_test (0/1), "
              + "fashion (10 classes) or movielens (ratings, one-hot user and movie) (default: ${DEFAULT-VALUE})")
  String dataset;

  @Option(
      names = "--classes",
      defaultValue = "0",
      description = "Classes of softmax and mlp (0: the largest " + "label + 1)")
  int classes;

  @Option(names = "--factors", defaultValue = "8", description = "Factors per feature of fm")
  int factors;

  @Option(
      names = "--fm-loss",
      defaultValue = "squared",
      description = "Loss of fm: squared (regression) or " + "logistic (labels 0/1)")
  String fmLoss;

  @Option(names = "--hidden", defaultValue = "64", description = "Hidden ReLU units of mlp")
  int hidden;

  @Option(
      names = "--num-features",
      defaultValue = "0",
      description =
          "Features of the LibSVM file (0: the largest index in it); past 2^31 - 1 (up to 2^63 - 2)"
              + " logreg reads them as 64-bit indices")
  long numFeatures;

  /** The features of a LibSVM file read as 64-bit indices (0: none, or a vector column). */
  private long longFeatures;

  @Option(
      names = "--skip-malformed",
      description =
          "Skip and count malformed LibSVM lines instead of failing on the "
              + "first (the count and the first few, with file and offset, are printed)")
  boolean skipMalformed;

  @Option(
      names = "--master",
      description = "Spark master when not given by spark-submit (default local-cluster[2,1,1024])")
  String master;

  @Option(names = "--epochs", defaultValue = "10")
  int epochs;

  @Option(names = "--batches", defaultValue = "10", description = "Mini-batches (clocks) per epoch")
  int batches;

  @Option(names = "--workers", defaultValue = "0", description = "Worker tasks (0: all task slots)")
  int workers;

  @Option(names = "--updater", defaultValue = "adagrad", description = "sgd or adagrad")
  String updater;

  @Option(names = "--step-size", defaultValue = "0.1")
  double stepSize;

  @Option(names = "--reg", defaultValue = "1e-4", description = "L2 strength")
  double reg;

  @Option(names = "--partitioner", defaultValue = "hash", description = "hash or range")
  String partitioner;

  @Option(names = "--staleness", defaultValue = "bsp", description = "bsp, ssp:<bound> or asp")
  String staleness;

  @Option(
      names = "--aggregation",
      defaultValue = "direct",
      description = "direct, executor-combine (bsp/ssp) or driver-tree (bsp)")
  String aggregation;

  @Option(
      names = "--shards",
      defaultValue = "0",
      description = "Shards of the model table (0: one per executor)")
  int shards;

  @Option(
      names = "--tuning",
      description =
          "Knobs the tuner may switch: auto (all), off, or a comma list of "
              + "staleness, aggregation, shards, partitioner, workers (default: spark.trimtab.tuning, itself auto). The "
              + "knob options above give the first epoch's setting.")
  String tuning;

  @Option(
      names = "--target-loss",
      description =
          "Stop at this training loss; the tuner minimizes the time to it "
              + "(default: spark.trimtab.tuner.targetLoss, none: run every epoch)")
  Double targetLoss;

  @Option(
      names = "--checkpoint-dir",
      description =
          "Write checkpoints of the model between epochs to this directory "
              + "(any Hadoop file system; default: spark.trimtab.checkpoint.dir, none)")
  String checkpointDir;

  @Option(
      names = "--resume-from",
      description =
          "Resume from a checkpoint (an epoch-NNNNNN directory) or a model's checkpoint directory (its newest): the model, "
              + "its optimizer state and clock are restored and training continues with the next epoch up to --epochs")
  String resumeFrom;

  @Option(
      names = "--switch-shards",
      description =
          "EPOCH:N: from epoch EPOCH on, train on N shards (a live switch between epochs: the shards"
              + " move the model to its new layout themselves); turns tuning off")
  String switchShards;

  @Option(
      names = "--model-placement",
      defaultValue = "auto",
      description =
          "Where the trained model lives: driver, shards (logreg: kept on the parameter server, each"
              + " task pulling the keys it scores) or auto (the shards when the driver cannot hold it)")
  String modelPlacement;

  @Option(
      names = "--save-model",
      description =
          "Save the trained model to this directory (any Hadoop file system; a model kept on the"
              + " shards is written by them)")
  String saveModel;

  @Option(
      names = "--load-model",
      description =
          "Do not train: load the model --model names from this directory (saved with --save-model)"
              + " and score it on the held-out split")
  String loadModel;

  @Option(names = "--test-fraction", defaultValue = "0.2")
  double testFraction;

  @Option(names = "--seed", defaultValue = "7")
  long seed;

  private final PrintStream out;

  TrimtabApp(PrintStream out) {
    this.out = out;
  }

  /**
   * Exit code of a run refused for bad input or settings (a message names the value and what was
   * expected).
   */
  static final int BAD_INPUT = 2;

  public static void main(String[] args) {
    int code = commandLine(new TrimtabApp(System.out)).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * The command line: usage errors exit 2 (picocli's default), as does bad input or a setting
   * refused at start (an IllegalArgumentException or IllegalStateException naming the value and the
   * fix), printed as one line {@code trimtab: error: <message>} on standard error; anything else
   * exits 1 with its stack trace.
   */
  static CommandLine commandLine(TrimtabApp app) {
    return new CommandLine(app)
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                cmd.getErr().println("trimtab: error: " + e.getMessage());
                return BAD_INPUT;
              }
              throw e;
            });
  }

  @Override
  public Integer call() {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "Invalid --test-fraction: "
              + testFraction
              + " (expected a number between 0 and 1, exclusive)");
    }
    SparkConf conf = new SparkConf().setAppName("trimtab");
    if (!conf.contains("spark.master")) {
      conf.setMaster(master != null ? master : "local-cluster[2,1,1024]");
    }
    String plugins = conf.get("spark.plugins", "");
    if (!Arrays.asList(plugins.split(",")).contains(TrimtabConf.PLUGIN_CLASS)) {
      conf.set(
          "spark.plugins",
          plugins.isEmpty() ? TrimtabConf.PLUGIN_CLASS : plugins + "," + TrimtabConf.PLUGIN_CLASS);
    }
    if (LocalCluster.isLocalCluster(conf.get("spark.master"))) {
      LocalCluster.configure(conf, LocalCluster.currentClassPath());
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      run(spark);
    } finally {
      spark.stop();
    }
    return 0;
  }

  private void run(SparkSession spark) {
    Dataset<Row> all = load(spark);
    Dataset<Row>[] split = all.randomSplit(new double[] {1 - testFraction, testFraction}, seed);
    Dataset<Row> train = split[0].cache();
    Dataset<Row> test = split[1].cache();
    ParameterServer ps = Trimtab.parameterServer(spark);
    out.printf(
        Locale.ROOT,
        "trimtab: %d shards in executors %s, %d task slots, master %s%n",
        ps.numShards(),
        ps.registrations().stream()
            .map(r -> r.executorId() + "@" + r.host() + ":" + r.port() + " pid " + r.pid())
            .toList(),
        ps.taskSlots(),
        spark.sparkContext().master());
    out.printf(
        Locale.ROOT,
        "data: %s, %d training rows, %d test rows%n",
        data != null ? data : dataset,
        train.count(),
        test.count());
    if (loadModel != null) {
      PsModel<?> loaded = loadModel(loadModel);
      out.println(Summaries.placed(loaded) + ", loaded from " + loadModel);
      out.println("test: " + HeldOut.of(loaded, test));
      out.println(Summaries.driverHeap());
      return;
    }
    PsEstimator<?, ?> trainer =
        switch (model) {
          case logreg -> new PsLogisticRegression();
          case softmax -> new PsSoftmaxRegression().setNumClasses(classes);
          case fm -> new PsFactorizationMachine().setFactorSize(factors).setLoss(fmLoss);
          case mlp -> new PsMultilayerPerceptron().setHiddenSize(hidden).setNumClasses(classes);
        };
    if (tuning != null) {
      trainer.setTuning(tuning);
    }
    if (targetLoss != null) {
      trainer.setTargetLoss(targetLoss);
    }
    trainer.setCheckpointDir(checkpointDir).setResumeFrom(resumeFrom);
    trainer
        .setEpochs(epochs)
        .setBatchesPerEpoch(batches)
        .setNumWorkers(workers)
        .setUpdater(updater)
        .setStepSize(stepSize)
        .setRegParam(reg)
        .setPartitioner(partitioner)
        .setSeed(seed)
        .setStaleness(staleness)
        .setAggregation(aggregation)
        .setNumShards(shards)
        .setEpochListener(m -> out.println(m.format(epochs)));
    trainer.setModelPlacement(modelPlacement);
    if (longFeatures > 0) {
      // past a vector's 2^31 indices: the file's 64-bit indices and values columns
      trainer.setIndicesCol("indices").setNumFeatures(longFeatures);
    }
    if (switchShards != null) {
      trainer.setSchedule(ShardSwitch.parse(switchShards));
    }
    PsModel<?> fitted = (PsModel<?>) trainer.fit(train);
    if (saveModel != null) {
      try {
        ((org.apache.spark.ml.util.MLWritable) fitted).write().overwrite().save(saveModel);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("Cannot save the model to " + saveModel, e);
      }
    }
    out.println(Summaries.placed(fitted));
    out.println("test: " + HeldOut.of(fitted, test));
    fitted.tuning().ifPresent(t -> out.println(Summaries.tuning(t)));
    out.println(Summaries.driverHeap());
  }

  private Dataset<Row> load(SparkSession spark) {
    if (data == null) {
      return BuiltinDatasets.load(spark, dataset);
    }
    LibSvm.Result read = LibSvm.read(spark, data, numFeatures, skipMalformed);
    if (read.skipped() > 0) {
      out.printf(
          Locale.ROOT,
          "data: skipped %d malformed lines of %s (kept %d); first: %s%n",
          read.skipped(),
          data,
          read.rows(),
          String.join(" | ", read.firstSkipped()));
    }
    if (read.longIndices()) {
      longFeatures = read.numFeatures();
    }
    boolean binary =
        model == ModelKind.logreg
            || model == ModelKind.fm && fmLoss.trim().equalsIgnoreCase("logistic");
    return binary ? LibSvm.zeroOneLabels(read.data()) : read.data();
  }

  /** The saved model of {@code --model}'s kind at {@code path}. */
  private PsModel<?> loadModel(String path) {
    return switch (model) {
      case logreg -> PsLogisticRegressionModel.load(path);
      case softmax -> PsSoftmaxRegressionModel.load(path);
      case fm -> PsFactorizationMachineModel.load(path);
      case mlp -> PsMultilayerPerceptronModel.load(path);
    };
  }
}
