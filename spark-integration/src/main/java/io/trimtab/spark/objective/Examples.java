package io.trimtab.spark.objective;

import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Turns a DataFrame of (label, features) into compact {@link Example}s, checking every row. */
public final class Examples {
  private Examples() {}

  /** Checks the columns exist with the right types, before any job runs. */
  public static void checkSchema(StructType schema, String labelCol, String featuresCol) {
    StructField label = field(schema, labelCol, "label");
    StructField features = field(schema, featuresCol, "features");
    if (!(label.dataType() instanceof NumericType)) {
      throw new IllegalArgumentException(
          "Label column '"
              + labelCol
              + "' has type "
              + label.dataType().simpleString()
              + " (expected a numeric type)");
    }
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
    return new Example(label, sv.indices(), values);
  }

  private static String abbreviate(Row row) {
    String s = row.toString();
    return s.length() > 200 ? s.substring(0, 200) + "...]" : s;
  }
}
