package io.trimtab.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.trimtab.spark.objective.FmObjective;
import io.trimtab.spark.objective.LogisticLoss;
import io.trimtab.spark.train.FitSummary;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A trained factorization machine, as a Spark ML {@code Model}. With the squared loss {@link
 * #transform} adds the predicted value ({@code predictionCol}, what MLlib's {@code
 * RegressionEvaluator} reads); with the logistic loss the probability of label 1 ({@code
 * probabilityCol}) and the 0/1 prediction. Saved and loaded as every Trimtab model ({@link
 * PsModel}).
 */
public final class PsFactorizationMachineModel extends PsModel<PsFactorizationMachineModel> {
  private static final long serialVersionUID = 1L;
  private final int factorSize;
  private final Param<String> loss;

  /**
   * {@code values}: each feature's weight and factors, then the intercept key (as {@link
   * FmObjective} lays them out).
   */
  PsFactorizationMachineModel(
      String uid, long numFeatures, int width, double[] values, FitSummary summary) {
    super(uid, numFeatures, width, values, summary);
    if (width < 2 || values.length != (numFeatures + 1L) * width) {
      throw new IllegalArgumentException(
          "Invalid factorization machine values: "
              + values.length
              + " of width "
              + width
              + " for "
              + numFeatures
              + " features (expected (1 + k) x "
              + (numFeatures + 1)
              + " with k >= 1)");
    }
    this.factorSize = width - 1;
    loss = PsFactorizationMachine.fmLoss(this);
    setDefault(loss, "squared");
  }

  @Override
  protected Factory<PsFactorizationMachineModel> factory() {
    return PsFactorizationMachineModel::new;
  }

  @Override
  protected DataType probabilityType() {
    return logistic() ? DataTypes.DoubleType : null;
  }

  public static MLReader<PsFactorizationMachineModel> read() {
    return new PsModelIo.Reader<>(
        PsFactorizationMachineModel.class, PsFactorizationMachineModel::new);
  }

  public static PsFactorizationMachineModel load(String path) {
    return read().load(path);
  }

  public Param<String> loss() {
    return loss;
  }

  public String getLoss() {
    return getOrDefault(loss);
  }

  public int factorSize() {
    return factorSize;
  }

  private boolean logistic() {
    return FmObjective.Loss.parse(getLoss()) == FmObjective.Loss.LOGISTIC;
  }

  /**
   * The FM score of one row: the predicted value (squared loss) or the log-odds of label 1
   * (logistic).
   */
  public double score(Vector features) {
    ModelSchema.checkSize(features, vectorSize());
    return score(values(), factorSize + 1, features);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Broadcast<double[]> w =
        JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext())
            .broadcast(values());
    int width = factorSize + 1;
    int dim = vectorSize();
    boolean logistic = logistic();
    UserDefinedFunction out =
        udf(
            (UDF1<Vector, Double>)
                v -> {
                  ModelSchema.checkSize(v, dim);
                  double y = score(w.value(), width, v);
                  return logistic ? LogisticLoss.sigmoid(y) : y;
                },
            DataTypes.DoubleType);
    if (!logistic) {
      return dataset.withColumn(getPredictionCol(), out.apply(col(getFeaturesCol())));
    }
    String p = getProbabilityCol();
    return dataset
        .withColumn(p, out.apply(col(getFeaturesCol())))
        .withColumn(getPredictionCol(), col(p).geq(0.5).cast(DataTypes.DoubleType));
  }

  static double score(double[] w, int width, Vector v) {
    SparseVector sv = v.toSparse();
    int[] idx = sv.indices();
    return FmObjective.score(
        w, w.length - width, width, 0, idx.length, idx, sv.values(), new double[width - 1]);
  }
}
