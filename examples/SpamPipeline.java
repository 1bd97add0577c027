import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A Spark ML Pipeline that tokenizes emails and trains Trimtab's logistic regression on them. */
public class SpamPipeline {
  public static void main(String[] args) throws java.io.IOException {
    String saveTo = args.length > 0 ? args[0] : "/tmp/trimtab-spam-pipeline";
    SparkSession spark = SparkSession.builder().appName("spam-pipeline")
        .config("spark.plugins", "io.trimtab.spark.plugin.TrimtabPlugin")   // a shard in every executor
        .getOrCreate();

    // the SpamAssassin emails (label 1 = spam, text); bin/fetch-data put them in place
    Dataset<Row>[] split = BuiltinDatasets.spamAssassinText(spark).randomSplit(new double[] {0.8, 0.2}, 7);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new RegexTokenizer().setInputCol("text").setOutputCol("words").setPattern("[^\\p{L}\\p{N}]+"),
        new HashingTF().setInputCol("words").setOutputCol("features").setNumFeatures(1 << 18),
        new PsLogisticRegression()
            .setEpochs(10)            // passes over the data
            .setBatchesPerEpoch(10)   // clocks per epoch; each worker pushes one mini-batch per clock
            .setStepSize(0.5).setRegParam(1e-5)   // server-side Adagrad (setUpdater("sgd") for SGD)
            .setEpochListener(m -> System.out.println(m.format(10)))});   // one line per epoch
    PipelineModel model = pipeline.fit(split[0]);

    Dataset<Row> scored = model.transform(split[1]);   // adds probability and prediction
    double auc = new BinaryClassificationEvaluator().setRawPredictionCol("probability").evaluate(scored);
    System.out.printf("test AUC %.4f%n", auc);

    model.write().overwrite().save(saveTo);
    PsLogisticRegressionModel lr = (PsLogisticRegressionModel) PipelineModel.load(saveTo).stages()[2];
    System.out.println("loaded from " + saveTo + ": " + lr.evaluate(scored));   // log-loss, AUC, accuracy
    spark.stop();
  }
}
