package io.trimtab.spark.objective;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Where a fit reads the features: a Spark ML vector column (int indices, at most 2^31 features), or
 * a pair of columns with 64-bit indices ({@code array<long>}, ascending and distinct, as {@code
 * LongFeatureHasher} writes them) and their values ({@code array<double>}).
 *
 * @param featuresCol the vector column (read when {@code indicesCol} is null)
 * @param indicesCol the 64-bit indices column, or null to read {@code featuresCol}
 * @param valuesCol the values column of {@code indicesCol}
 * @param numFeatures the size of the 64-bit feature space (indices below it); 0 for the largest
 *     index in the data plus one
 */
public record FeatureColumns(
    String featuresCol, String indicesCol, String valuesCol, long numFeatures)
    implements Serializable {

  /**
   * The most features a model may have: a key for each, and one more for the intercept, below 2^63.
   */
  public static final long MAX_FEATURES = Long.MAX_VALUE - 1;

  public FeatureColumns {
    if (numFeatures < 0 || numFeatures > MAX_FEATURES) {
      throw new IllegalArgumentException(
          "Invalid number of features: "
              + numFeatures
              + " (expected 0, for the data's largest index plus one, .. "
              + MAX_FEATURES
              + ")");
    }
  }

  /** Features from the vector column {@code featuresCol}. */
  public static FeatureColumns vector(String featuresCol) {
    return new FeatureColumns(featuresCol, null, null, 0);
  }

  /** Whether the features come with 64-bit indices. */
  public boolean longIndices() {
    return indicesCol != null;
  }

  /**
   * The columns, for messages: {@code featuresCol 'x'} or {@code indicesCol 'i', valuesCol 'v'}.
   */
  public String describe() {
    return longIndices()
        ? "indicesCol '" + indicesCol + "' and valuesCol '" + valuesCol + "'"
        : "featuresCol '" + featuresCol + "'";
  }

  /**
   * Fails if the features are 64-bit indices and {@code model} cannot read them.
   *
   * @param readsLongIndices whether {@code model} reads 64-bit indices
   * @param model the model, named in the message
   */
  public void requireReadableBy(boolean readsLongIndices, String model) {
    if (longIndices() && !readsLongIndices) {
      throw new IllegalArgumentException(
          model
              + " reads its features from a vector column (featuresCol), not from 64-bit indices"
              + " ("
              + describe()
              + "; expected indicesCol unset: PsLogisticRegression reads 64-bit indices)");
    }
  }

  /** Checks the columns exist with the right types, before any job runs. */
  public void check(StructType schema, String labelCol) {
    if (longIndices()) {
      Examples.checkLongSchema(schema, labelCol, indicesCol, valuesCol);
    } else {
      Examples.checkSchema(schema, labelCol, featuresCol);
    }
  }

  /**
   * The number of features: the vectors' size, or {@link #numFeatures} if set, else the largest
   * index plus one (a job over the data).
   */
  public long numFeatures(Dataset<Row> data) {
    if (!longIndices()) {
      return Examples.numFeatures(data, featuresCol);
    }
    return numFeatures > 0 ? numFeatures : Examples.largestIndex(data, indicesCol) + 1;
  }

  /** Converts every row, failing on the first bad one with its label and features. */
  public JavaRDD<Example> toExamples(
      Dataset<Row> data, String labelCol, long numFeatures, Objective objective) {
    if (!longIndices()) {
      return Examples.toExamples(
          data, labelCol, featuresCol, Math.toIntExact(numFeatures), objective);
    }
    return data.select(labelCol, indicesCol, valuesCol)
        .toJavaRDD()
        .map(row -> Examples.convertLong(row, numFeatures, objective));
  }
}
