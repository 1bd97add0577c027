package io.trimtab.spark.objective;

import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns a DataFrame of (label, features) into compact {@link Example}s, checking every row: from a
 * vector column, or from 64-bit indices and values columns ({@link FeatureColumns}).
 */
public final class Examples {
  private Examples() {}

  /** Checks the columns exist with the right types, before any job runs. */
  public static void checkSchema(StructType schema, String labelCol, String featuresCol) {
    checkLabel(schema, labelCol);
    StructField features = field(schema, featuresCol, "features");
    DataType ft = features.dataType();
    if (!(ft instanceof VectorUDT)) {
      throw new IllegalArgumentException(
          "Features column '"
              + featuresCol
              + "' has type "
              + ft.simpleString()
              + " (expected an org.apache.spark.ml.linalg.Vector column, as Spark's libsvm source or VectorAssembler give)");
    }
  }

  private static void checkLabel(StructType schema, String labelCol) {
    StructField label = field(schema, labelCol, "label");
    if (!(label.dataType() instanceof NumericType)) {
      throw new IllegalArgumentException(
          "Label column '"
              + labelCol
              + "' has type "
              + label.dataType().simpleString()
              + " (expected a numeric type)");
    }
  }

  private static StructField field(StructType schema, String name, String role) {
    if (!Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException(
          "No "
              + role
              + " column '"
              + name
              + "' in the data (columns: "
              + Arrays.toString(schema.fieldNames())
              + ")");
    }
    return schema.apply(name);
  }

  /** Number of features, from the first row's vector size. */
  public static int numFeatures(Dataset<Row> data, String featuresCol) {
    java.util.List<Row> first = data.select(featuresCol).takeAsList(1);
    if (first.isEmpty()) {
      throw new IllegalArgumentException("The training data are empty (expected at least one row)");
    }
    return ((Vector) first.get(0).get(0)).size();
  }

  /** Converts every row, failing on the first bad one with its label and features. */
  public static JavaRDD<Example> toExamples(
      Dataset<Row> data,
      String labelCol,
      String featuresCol,
      int numFeatures,
      Objective objective) {
    return data.select(labelCol, featuresCol)
        .toJavaRDD()
        .map(row -> convert(row, numFeatures, objective));
  }

  /** As {@link #convert(Row, int, Objective)} for binary logistic regression's 0/1 labels. */
  static Example convert(Row row, int numFeatures) {
    return convert(row, numFeatures, LogisticObjective.INSTANCE);
  }

  static Example convert(Row row, int numFeatures, Objective objective) {
    if (row.isNullAt(0) || row.isNullAt(1)) {
      throw new IllegalArgumentException(
          "Row " + row + " has a null label or features (expected both set)");
    }
    double label = ((Number) row.get(0)).doubleValue();
    String problem = objective.labelProblem(label);
    if (problem != null) {
      throw new IllegalArgumentException(
          "Invalid label " + label + " in row " + abbreviate(row) + " (" + problem + ")");
    }
    Vector v = (Vector) row.get(1);
    if (v.size() != numFeatures) {
      throw new IllegalArgumentException(
          "Features vector of size "
              + v.size()
              + " in row "
              + abbreviate(row)
              + " (expected size "
              + numFeatures
              + " like the first row)");
    }
    SparseVector sv = v.toSparse();
    double[] values = sv.values();
    for (double x : values) {
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException(
            "Non-finite feature value "
                + x
                + " in row "
                + abbreviate(row)
                + " (expected finite numbers)");
      }
    }
    int[] idx = sv.indices();
    long[] keys = new long[idx.length];
    for (int i = 0; i < idx.length; i++) {
      keys[i] = idx[i];
    }
    return new Example(label, keys, values);
  }

  /** Checks the label and 64-bit feature columns exist with the right types. */
  static void checkLongSchema(
      StructType schema, String labelCol, String indicesCol, String valuesCol) {
    checkLabel(schema, labelCol);
    DataType it = field(schema, indicesCol, "indices").dataType();
    if (!(it instanceof ArrayType a
        && (a.elementType() instanceof LongType || a.elementType() instanceof IntegerType))) {
      throw new IllegalArgumentException(
          "Indices column '"
              + indicesCol
              + "' has type "
              + it.simpleString()
              + " (expected array<bigint> or array<int>, as LongFeatureHasher writes)");
    }
    DataType vt = field(schema, valuesCol, "values").dataType();
    if (!(vt instanceof ArrayType b && b.elementType() instanceof NumericType)) {
      throw new IllegalArgumentException(
          "Values column '"
              + valuesCol
              + "' has type "
              + vt.simpleString()
              + " (expected array<double>, one value per index)");
    }
  }

  /** The largest index of the 64-bit indices column (a job over the data). */
  static long largestIndex(Dataset<Row> data, String indicesCol) {
    Row r =
        data.agg(
                org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
                org.apache.spark.sql.functions.max(
                    org.apache.spark.sql.functions.array_max(
                        org.apache.spark.sql.functions.col(indicesCol))))
            .head();
    if (r.getLong(0) == 0) {
      throw new IllegalArgumentException("The training data are empty (expected at least one row)");
    }
    if (r.isNullAt(1)) {
      throw new IllegalArgumentException(
          "The indices column '"
              + indicesCol
              + "' holds no index in any row (expected at least one feature)");
    }
    long max = ((Number) r.get(1)).longValue();
    if (max < 0 || max >= FeatureColumns.MAX_FEATURES) {
      throw new IllegalArgumentException(
          "Feature index "
              + max
              + " in column '"
              + indicesCol
              + "' leaves no key for the model's own (expected indices 0 .. "
              + (FeatureColumns.MAX_FEATURES - 1)
              + ": LongFeatureHasher with numBits at most 62)");
    }
    return max;
  }

  /** A row of (label, 64-bit indices, values), checked as {@link #convert} checks vectors. */
  static Example convertLong(Row row, long numFeatures, Objective objective) {
    if (row.isNullAt(0) || row.isNullAt(1) || row.isNullAt(2)) {
      throw new IllegalArgumentException(
          "Row " + abbreviate(row) + " has a null label, indices or values (expected all set)");
    }
    double label = ((Number) row.get(0)).doubleValue();
    String problem = objective.labelProblem(label);
    if (problem != null) {
      throw new IllegalArgumentException(
          "Invalid label " + label + " in row " + abbreviate(row) + " (" + problem + ")");
    }
    java.util.List<Object> idx = row.getList(1);
    java.util.List<Object> val = row.getList(2);
    if (idx.size() != val.size()) {
      throw new IllegalArgumentException(
          "Row "
              + abbreviate(row)
              + " has "
              + idx.size()
              + " indices and "
              + val.size()
              + " values (expected one value per index)");
    }
    long[] keys = new long[idx.size()];
    double[] values = new double[idx.size()];
    for (int i = 0; i < keys.length; i++) {
      Object k = idx.get(i);
      Object x = val.get(i);
      if (k == null || x == null) {
        throw new IllegalArgumentException(
            "Null index or value in row " + abbreviate(row) + " (expected numbers)");
      }
      keys[i] = ((Number) k).longValue();
      values[i] = ((Number) x).doubleValue();
      if (keys[i] < 0 || keys[i] >= numFeatures) {
        throw new IllegalArgumentException(
            "Feature index "
                + keys[i]
                + " in row "
                + abbreviate(row)
                + " (expected 0 .. "
                + (numFeatures - 1)
                + ", below numFeatures)");
      }
      if (i > 0 && keys[i] <= keys[i - 1]) {
        throw new IllegalArgumentException(
            "Feature indices of row "
                + abbreviate(row)
                + " are not ascending and distinct at "
                + keys[i]
                + " (expected ascending, distinct indices, as LongFeatureHasher writes them)");
      }
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(
            "Non-finite feature value "
                + values[i]
                + " in row "
                + abbreviate(row)
                + " (expected finite numbers)");
      }
    }
    return new Example(label, keys, values);
  }

  private static String abbreviate(Row row) {
    String s = row.toString();
    return s.length() > 200 ? s.substring(0, 200) + "...]" : s;
  }
}
