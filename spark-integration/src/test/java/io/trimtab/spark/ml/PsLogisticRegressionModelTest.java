package io.trimtab.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;

/** A trained model's probability, and features of another dimension than it was trained on. */
class PsLogisticRegressionModelTest {

  @Test
  void probability_isTheSigmoidOfTheMarginPlusIntercept() {
    PsLogisticRegressionModel m =
        new PsLogisticRegressionModel(new double[] {1, -1, 0.5}, 0.1, List.of(), 10, null);
    // sparse: 1 * 1 + 0.1; dense: 2 * 1 + 1 * -1 + -2 * 0.5 + 0.1
    assertThat(m.probability(Vectors.sparse(3, new int[] {0}, new double[] {1})))
        .isCloseTo(1 / (1 + Math.exp(-1.1)), within(1e-12));
    assertThat(m.probability(Vectors.dense(2, 1, -2)))
        .isCloseTo(1 / (1 + Math.exp(-0.1)), within(1e-12));
    assertThat(m.probability(Vectors.dense(0, 50, 0))).isCloseTo(0.0, within(1e-20)).isPositive();
  }

  @Test
  void featuresOfAnotherDimension_areRefusedNamingBothSizes() {
    PsLogisticRegressionModel m =
        new PsLogisticRegressionModel(new double[] {1, -1, 0.5}, 0.1, List.of(), 10, null);
    assertThatThrownBy(() -> m.probability(Vectors.dense(1, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Features vector of size 2 (expected 3, the model's number of features)");
    assertThatThrownBy(
            () -> m.probability(Vectors.sparse(1 << 20, new int[] {5}, new double[] {1})))
        .hasMessage("Features vector of size 1048576 (expected 3, the model's number of features)");
  }
}
