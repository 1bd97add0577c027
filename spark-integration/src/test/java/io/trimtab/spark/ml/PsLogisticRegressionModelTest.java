package io.trimtab.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;

/** A trained model applied to features of another dimension than it was trained on. */
class PsLogisticRegressionModelTest {

  @Test
  void featuresOfAnotherDimension_areRefusedNamingBothSizes() {
    PsLogisticRegressionModel m =
        new PsLogisticRegressionModel(new double[] {1, -1, 0.5}, 0.1, List.of(), 10, null);
    assertThat(m.probability(Vectors.sparse(3, new int[] {0}, new double[] {1})))
        .isBetween(0.0, 1.0);
    assertThatThrownBy(() -> m.probability(Vectors.dense(1, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Features vector of size 2 (expected 3, the model's number of features)");
    assertThatThrownBy(
            () -> m.probability(Vectors.sparse(1 << 20, new int[] {5}, new double[] {1})))
        .hasMessage("Features vector of size 1048576 (expected 3, the model's number of features)");
  }
}
