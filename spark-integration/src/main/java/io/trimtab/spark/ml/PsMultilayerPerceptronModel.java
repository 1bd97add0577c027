package io.trimtab.spark.ml;

import io.trimtab.spark.objective.MlpObjective;
import io.trimtab.spark.objective.SoftmaxObjective;
import io.trimtab.spark.train.FitSummary;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;

/**
 * A trained multilayer perceptron, as a Spark ML {@code Model}: {@link #transform} adds the class
 * probabilities (a vector of K) and the most probable class. Saved and loaded as every Trimtab
 * model ({@link PsModel}).
 */
public final class PsMultilayerPerceptronModel extends PsModel<PsMultilayerPerceptronModel> {
  private static final long serialVersionUID = 1L;
  private final int hidden;
  private final int classes;

  /** {@code values} as {@link MlpObjective} lays them out, {@code width} the hidden units. */
  PsMultilayerPerceptronModel(
      String uid, long numFeatures, int width, double[] values, FitSummary summary) {
    super(uid, numFeatures, width, values, summary);
    this.hidden = width;
    this.classes = (int) (values.length / width - numFeatures - 2);
    if (classes < 2 || classes > hidden) {
      throw new IllegalArgumentException(
          "Invalid multilayer perceptron values: "
              + values.length
              + " of width "
              + width
              + " for "
              + numFeatures
              + " features (expected (features + K + 2) x hidden with 2 <= K <= hidden)");
    }
  }

  @Override
  protected Factory<PsMultilayerPerceptronModel> factory() {
    return PsMultilayerPerceptronModel::new;
  }

  @Override
  protected DataType probabilityType() {
    return SQLDataTypes.VectorType();
  }

  public static MLReader<PsMultilayerPerceptronModel> read() {
    return new PsModelIo.Reader<>(
        PsMultilayerPerceptronModel.class, PsMultilayerPerceptronModel::new);
  }

  public static PsMultilayerPerceptronModel load(String path) {
    return read().load(path);
  }

  public int numClasses() {
    return classes;
  }

  public int hiddenSize() {
    return hidden;
  }

  /** The class probabilities of one row. */
  public Vector probabilities(Vector features) {
    ModelSchema.checkSize(features, vectorSize());
    return Vectors.dense(probabilities(values(), vectorSize(), hidden, classes, features));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    Broadcast<double[]> w =
        JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext())
            .broadcast(values());
    int dim = vectorSize();
    int h = hidden;
    int k = classes;
    return withClasses(
        dataset,
        v -> {
          ModelSchema.checkSize(v, dim);
          return Vectors.dense(probabilities(w.value(), dim, h, k, v));
        });
  }

  /** The forward pass of one row (see {@link MlpObjective} for the layout). */
  static double[] probabilities(double[] w, int dim, int h, int k, Vector v) {
    double[] a = Arrays.copyOfRange(w, dim * h, dim * h + h);
    SparseVector sv = v.toSparse();
    int[] idx = sv.indices();
    double[] val = sv.values();
    for (int j = 0; j < idx.length; j++) {
      int o = idx[j] * h;
      for (int u = 0; u < h; u++) {
        a[u] += w[o + u] * val[j];
      }
    }
    int w2 = (dim + 1) * h;
    int b2 = w2 + k * h;
    double[] z = new double[k];
    for (int c = 0; c < k; c++) {
      double s = w[b2 + c];
      for (int u = 0; u < h; u++) {
        s += w[w2 + c * h + u] * Math.max(0, a[u]);
      }
      z[c] = s;
    }
    SoftmaxObjective.softmaxInPlace(z, 0);
    return z;
  }
}
