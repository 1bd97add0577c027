package io.trimtab.spark.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ExamplesTest {

  @Test
  void convert_keepsSparseStructure() {
    Example e =
        Examples.convert(
            RowFactory.create(1.0, Vectors.sparse(5, new int[] {1, 3}, new double[] {2, 4})), 5);
    assertThat(e.label()).isEqualTo(1.0);
    assertThat(e.indices()).containsExactly(1, 3);
    assertThat(e.values()).containsExactly(2, 4);
  }

  @Test
  void badRows_nameTheValueAndWhatWasExpected() {
    assertThatThrownBy(() -> Examples.convert(RowFactory.create(2.0, Vectors.dense(1, 2)), 2))
        .hasMessageStartingWith("Invalid label 2.0 in row [2.0,[1.0,2.0]]")
        .hasMessageEndingWith("(expected 0 or 1; map -1/+1 labels to 0/1 first)");
    assertThatThrownBy(
            () -> Examples.convert(RowFactory.create(1.0, Vectors.dense(1, Double.NaN)), 2))
        .hasMessageStartingWith("Non-finite feature value NaN in row");
    assertThatThrownBy(() -> Examples.convert(RowFactory.create(1.0, Vectors.dense(1, 2, 3)), 2))
        .hasMessageStartingWith("Features vector of size 3 in row")
        .hasMessageEndingWith("(expected size 2 like the first row)");
    assertThatThrownBy(() -> Examples.convert(RowFactory.create(null, Vectors.dense(1, 2)), 2))
        .hasMessageContaining("null label or features");
  }

  @Test
  void schema_isCheckedBeforeAnyJob() {
    StructType ok =
        new StructType()
            .add("label", DataTypes.DoubleType)
            .add("features", SQLDataTypes.VectorType());
    Examples.checkSchema(ok, "label", "features");
    assertThatThrownBy(() -> Examples.checkSchema(ok, "y", "features"))
        .hasMessage("No label column 'y' in the data (columns: [label, features])");
    StructType text =
        new StructType()
            .add("label", DataTypes.StringType)
            .add("features", SQLDataTypes.VectorType());
    assertThatThrownBy(() -> Examples.checkSchema(text, "label", "features"))
        .hasMessage("Label column 'label' has type string (expected a numeric type)");
    StructType arr =
        new StructType()
            .add("label", DataTypes.DoubleType)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType));
    assertThatThrownBy(() -> Examples.checkSchema(arr, "label", "features"))
        .hasMessageStartingWith(
            "Features column 'features' has type array<double> (expected an org.apache.spark.ml.linalg.Vector column");
  }

  private static org.apache.spark.sql.Row longRow(double label, Object[] idx, Object[] val) {
    return RowFactory.create(
        label,
        scala.collection.JavaConverters.asScalaBuffer(java.util.Arrays.asList(idx)).toSeq(),
        scala.collection.JavaConverters.asScalaBuffer(java.util.Arrays.asList(val)).toSeq());
  }

  @Test
  void longIndices_keepTheWhole64BitSpace_andBadRowsAreRefusedNamingThem() {
    long big = Long.MAX_VALUE - 2;
    Example e =
        Examples.convertLong(
            longRow(1.0, new Object[] {5L, 1L << 40, big}, new Object[] {1.0, 0.5, 2.0}),
            Long.MAX_VALUE - 1,
            LogisticObjective.INSTANCE);
    assertThat(e.indices()).containsExactly(5L, 1L << 40, big);
    assertThat(e.values()).containsExactly(1.0, 0.5, 2.0);

    long n = 1L << 40;
    assertThatThrownBy(
            () ->
                Examples.convertLong(
                    longRow(1.0, new Object[] {3L, n}, new Object[] {1.0, 1.0}),
                    n,
                    LogisticObjective.INSTANCE))
        .hasMessageStartingWith("Feature index 1099511627776 in row ")
        .hasMessageEndingWith("(expected 0 .. 1099511627775, below numFeatures)");
    assertThatThrownBy(
            () ->
                Examples.convertLong(
                    longRow(1.0, new Object[] {9L, 3L}, new Object[] {1.0, 1.0}),
                    n,
                    LogisticObjective.INSTANCE))
        .hasMessageContaining("are not ascending and distinct at 3 (expected ascending, distinct");
    assertThatThrownBy(
            () ->
                Examples.convertLong(
                    longRow(1.0, new Object[] {3L}, new Object[] {1.0, 2.0}),
                    n,
                    LogisticObjective.INSTANCE))
        .hasMessageContaining("has 1 indices and 2 values (expected one value per index)");
    assertThatThrownBy(
            () ->
                Examples.convertLong(
                    longRow(1.0, new Object[] {3L}, new Object[] {Double.NaN}),
                    n,
                    LogisticObjective.INSTANCE))
        .hasMessageStartingWith("Non-finite feature value NaN in row ");
    assertThatThrownBy(
            () ->
                Examples.convertLong(
                    longRow(3.0, new Object[] {3L}, new Object[] {1.0}),
                    n,
                    LogisticObjective.INSTANCE))
        .hasMessageStartingWith("Invalid label 3.0 in row ");

    StructType schema =
        new StructType()
            .add("label", DataTypes.DoubleType)
            .add("indices", DataTypes.createArrayType(DataTypes.LongType))
            .add("values", DataTypes.createArrayType(DataTypes.DoubleType));
    new FeatureColumns("features", "indices", "values", 0).check(schema, "label");
    assertThatThrownBy(
            () -> new FeatureColumns("features", "values", "indices", 0).check(schema, "label"))
        .hasMessage(
            "Indices column 'values' has type array<double> (expected array<bigint> or array<int>,"
                + " as LongFeatureHasher writes)");
    assertThatThrownBy(() -> new FeatureColumns("features", "indices", "values", -1))
        .hasMessageStartingWith("Invalid number of features: -1 (expected 0");
  }
}
