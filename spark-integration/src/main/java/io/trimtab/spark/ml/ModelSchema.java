package io.trimtab.spark.ml;

import java.util.Arrays;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The schema checks every model and estimator shares: the features column, the output columns. */
final class ModelSchema {
  private ModelSchema() {}

  /** Fails unless {@code schema} has a vector column {@code col}. */
  static void checkFeatures(StructType schema, String col) {
    if (!Arrays.asList(schema.fieldNames()).contains(col)) {
      throw new IllegalArgumentException(
          "No features column '"
              + col
              + "' in the data (columns: "
              + Arrays.toString(schema.fieldNames())
              + ")");
    }
    if (!(schema.apply(col).dataType() instanceof VectorUDT)) {
      throw new IllegalArgumentException(
          "Features column '"
              + col
              + "' has type "
              + schema.apply(col).dataType().simpleString()
              + " (expected an org.apache.spark.ml.linalg.Vector column)");
    }
  }

  /**
   * {@code schema} with the probability column of {@code type} (none if null) and the double
   * prediction column.
   */
  static StructType withOutputs(
      StructType schema, String probabilityCol, DataType type, String predictionCol) {
    StructType out = schema;
    for (String c :
        type == null
            ? new String[] {predictionCol}
            : new String[] {probabilityCol, predictionCol}) {
      if (Arrays.asList(out.fieldNames()).contains(c)) {
        throw new IllegalArgumentException(
            "Output column '"
                + c
                + "' exists already in the data (columns: "
                + Arrays.toString(out.fieldNames())
                + "; expected a new name: set probabilityCol or predictionCol)");
      }
      out =
          out.add(
              new StructField(
                  c,
                  c.equals(probabilityCol) ? type : DataTypes.DoubleType,
                  false,
                  Metadata.empty()));
    }
    return out;
  }

  /** Fails unless {@code v} has the model's number of features. */
  static void checkSize(Vector v, long numFeatures) {
    if (v.size() != numFeatures) {
      throw new IllegalArgumentException(
          "Features vector of size "
              + v.size()
              + " (expected "
              + numFeatures
              + ", the model's number of features)");
    }
  }

  /** Fails unless {@code schema} has the 64-bit indices and values columns. */
  static void checkIndices(StructType schema, String indicesCol, String valuesCol) {
    for (String c : new String[] {indicesCol, valuesCol}) {
      if (!Arrays.asList(schema.fieldNames()).contains(c)
          || !(schema.apply(c).dataType() instanceof org.apache.spark.sql.types.ArrayType)) {
        throw new IllegalArgumentException(
            "No array column '"
                + c
                + "' in the data (columns: "
                + Arrays.toString(schema.fieldNames())
                + "; expected indicesCol array<bigint> and valuesCol array<double>, as"
                + " LongFeatureHasher writes them)");
      }
    }
  }
}
