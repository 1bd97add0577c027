package io.trimtab.spark.ml;

import io.trimtab.spark.objective.SoftmaxObjective;
import io.trimtab.spark.train.FitSummary;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;

/**
 * A trained softmax regression, as a Spark ML {@code Model}: {@link #transform} adds the class
 * probabilities (a vector of K, {@code probabilityCol}) and the most probable class ({@code
 * predictionCol}), the columns MLlib's {@code MulticlassClassificationEvaluator} reads (accuracy,
 * f1, logLoss). Saved and loaded as every Trimtab model ({@link PsModel}).
 */
public final class PsSoftmaxRegressionModel extends PsModel<PsSoftmaxRegressionModel> {
  private static final long serialVersionUID = 1L;
  private final int numClasses;

  /**
   * {@code values}: each feature's K weights, then the K intercepts (as {@link SoftmaxObjective}
   * lays them out).
   */
  PsSoftmaxRegressionModel(
      String uid, long numFeatures, int width, double[] values, FitSummary summary) {
    super(uid, numFeatures, width, values, summary);
    if (width < 2 || values.length != (numFeatures + 1L) * width) {
      throw new IllegalArgumentException(
          "Invalid softmax regression values: "
              + values.length
              + " of width "
              + width
              + " for "
              + numFeatures
              + " features (expected K x "
              + (numFeatures + 1)
              + " with K >= 2 classes)");
    }
    this.numClasses = width;
  }

  @Override
  protected Factory<PsSoftmaxRegressionModel> factory() {
    return PsSoftmaxRegressionModel::new;
  }

  @Override
  protected DataType probabilityType() {
    return SQLDataTypes.VectorType();
  }

  public static MLReader<PsSoftmaxRegressionModel> read() {
    return new PsModelIo.Reader<>(PsSoftmaxRegressionModel.class, PsSoftmaxRegressionModel::new);
  }

  public static PsSoftmaxRegressionModel load(String path) {
    return read().load(path);
  }

  public int numClasses() {
    return numClasses;
  }

  /** The weights as MLlib gives them: a K x numFeatures matrix (row c: class c's weights). */
  public Matrix coefficientMatrix() {
    return new DenseMatrix(
        numClasses, vectorSize(), Arrays.copyOf(values(), numClasses * vectorSize()));
  }

  /** The K intercepts. */
  public Vector interceptVector() {
    return Vectors.dense(Arrays.copyOfRange(values(), numClasses * vectorSize(), values().length));
  }

  /** The class probabilities of one row. */
  public Vector probabilities(Vector features) {
    ModelSchema.checkSize(features, vectorSize());
    return Vectors.dense(probabilities(values(), numClasses, features));
  }

  /** The most probable class of one row. */
  public double predict(Vector features) {
    return argmax(probabilities(features).toArray());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    Broadcast<double[]> w =
        JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext())
            .broadcast(values());
    int k = numClasses;
    int dim = vectorSize();
    return withClasses(
        dataset,
        v -> {
          ModelSchema.checkSize(v, dim);
          return Vectors.dense(probabilities(w.value(), k, v));
        });
  }

  static double[] probabilities(double[] w, int k, Vector v) {
    int bias = w.length - k;
    double[] z = Arrays.copyOfRange(w, bias, bias + k);
    if (v instanceof SparseVector sv) {
      int[] idx = sv.indices();
      double[] val = sv.values();
      for (int j = 0; j < idx.length; j++) {
        addRow(w, idx[j] * k, val[j], z);
      }
    } else {
      double[] val = v.toArray();
      for (int i = 0; i < val.length; i++) {
        if (val[i] != 0) {
          addRow(w, i * k, val[i], z);
        }
      }
    }
    SoftmaxObjective.softmaxInPlace(z, 0);
    return z;
  }

  private static void addRow(double[] w, int offset, double x, double[] z) {
    for (int c = 0; c < z.length; c++) {
      z[c] += w[offset + c] * x;
    }
  }

  static double argmax(double[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }
}
