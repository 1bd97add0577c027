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
}
