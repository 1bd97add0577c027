package io.trimtab.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trimtab.spark.objective.Example;
import io.trimtab.spark.objective.FmObjective;
import io.trimtab.spark.objective.LogisticObjective;
import io.trimtab.spark.objective.MiniBatch;
import io.trimtab.spark.objective.MlpObjective;
import io.trimtab.spark.objective.Objective;
import io.trimtab.spark.objective.SoftmaxObjective;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every objective's analytic gradient against central finite differences of its own loss, on a
 * small random mini-batch at random parameter values: the check that catches a wrong sign, index or
 * layout in a gradient.
 */
class ObjectiveGradientTest {
  private static final int FEATURES = 7;

  @Test
  void startsFromValues_saysWhetherInitialValuesGivesAny() {
    for (Objective o :
        new Objective[] {
          LogisticObjective.INSTANCE,
          new SoftmaxObjective(4),
          new FmObjective(3, FmObjective.Loss.SQUARED, 0.1),
          new MlpObjective(5, 3)
        }) {
      assertThat(o.startsFromValues()).as(o.name()).isEqualTo(o.initialValues(6, 1) != null);
    }
    assertThat(new FmObjective(3, FmObjective.Loss.SQUARED, 0.1).startsFromValues()).isTrue();
  }

  @Test
  void logistic_gradientMatchesFiniteDifferences() {
    assertGradientMatches(LogisticObjective.INSTANCE, batch(2, 11), 1);
  }

  @Test
  void softmax_gradientMatchesFiniteDifferences() {
    assertGradientMatches(new SoftmaxObjective(4), batch(4, 12), 2);
  }

  @Test
  void factorizationMachine_gradientMatchesFiniteDifferences_forBothLosses() {
    assertGradientMatches(new FmObjective(3, FmObjective.Loss.SQUARED, 0.1), batch(2, 13), 3);
    assertGradientMatches(new FmObjective(3, FmObjective.Loss.LOGISTIC, 0.1), batch(2, 14), 4);
  }

  @Test
  void factorizationMachine_scoresPairsOfFeaturesByTheirFactors() {
    // one row x = (x0 = 2, x2 = 3) with k = 2: y = w0 + w0' x0 + w2 x2 + <v0, v2> x0 x2
    FmObjective fm = new FmObjective(2, FmObjective.Loss.SQUARED, 0.1);
    double[] w = {0.5, 1, 2, /* key 1 */ 9, 9, 9, /* key 2 */ -1, 3, -4, /* w0 */ 0.25, 0, 0};
    double y =
        FmObjective.score(w, 9, 3, 0, 2, new int[] {0, 2}, new double[] {2, 3}, new double[2]);
    assertThat(y).isCloseTo(0.25 + 0.5 * 2 + -1 * 3 + (1 * 3 + 2 * -4) * 2 * 3, within(1e-12));
    assertThat(fm.labelProblem(4.5)).isNull();
    assertThat(new FmObjective(2, FmObjective.Loss.LOGISTIC, 0.1).labelProblem(4.5))
        .isEqualTo("expected 0 or 1 with the logistic loss");
  }

  @Test
  void multilayerPerceptron_gradientMatchesFiniteDifferences() {
    MlpObjective mlp = new MlpObjective(5, 3);
    MiniBatch b = batch(3, 15);
    // its own extra keys (hidden biases, output weights and biases) after the features
    MiniBatch withKeys = MiniBatch.prepare(rows(3, 15), 1, 0, mlp.extraKeys(FEATURES)).get(0);
    assertThat(withKeys.keys()).endsWith(7L, 8L, 9L, 10L, 11L);
    assertThat(b.rows()).isEqualTo(withKeys.rows());
    assertGradientMatches(mlp, withKeys, 5);
  }

  @Test
  void multilayerPerceptron_needsAHiddenUnitPerClass() {
    assertThatThrownBy(() -> new MlpObjective(3, 10))
        .hasMessage("Invalid hidden layer size: 3 (must be 10 .. 4096: at least the 10 classes)");
  }

  @Test
  void softmax_refusesLabelsOutsideItsClasses() {
    SoftmaxObjective o = new SoftmaxObjective(3);
    assertThat(o.labelProblem(2.0)).isNull();
    assertThat(o.labelProblem(3.0)).isEqualTo("expected a class 0, 1, ..., 2");
    assertThat(o.labelProblem(1.5)).isEqualTo("expected a class 0, 1, ..., 2");
    assertThat(o.labelProblem(-1.0)).isNotNull();
  }

  @Test
  void everyModel_scoresARowAsItsObjectiveTrainedIt() {
    SplittableRandom rnd = new SplittableRandom(21);
    for (Example row : rows(3, 22)) {
      org.apache.spark.ml.linalg.Vector x =
          org.apache.spark.ml.linalg.Vectors.sparse(
              FEATURES,
              java.util.Arrays.stream(row.indices()).mapToInt(Math::toIntExact).toArray(),
              row.values());
      int y = (int) row.label();

      SoftmaxObjective softmax = new SoftmaxObjective(3);
      double[] sw = rnd.doubles(softmax.dimension(FEATURES) * 3, -1, 1).toArray();
      double[] p = PsSoftmaxRegressionModel.probabilities(sw, 3, x);
      assertThat(trainingLoss(softmax, sw, row)).isCloseTo(-Math.log(p[y]), within(1e-12));

      MlpObjective mlp = new MlpObjective(4, 3);
      double[] mw = rnd.doubles(mlp.dimension(FEATURES) * 4, -1, 1).toArray();
      double[] q = PsMultilayerPerceptronModel.probabilities(mw, FEATURES, 4, 3, x);
      assertThat(trainingLoss(mlp, mw, row)).isCloseTo(-Math.log(q[y]), within(1e-12));

      FmObjective fm = new FmObjective(2, FmObjective.Loss.SQUARED, 0.1);
      double[] fw = rnd.doubles(fm.dimension(FEATURES) * 3, -1, 1).toArray();
      double e = PsFactorizationMachineModel.score(fw, 3, x) - y;
      assertThat(trainingLoss(fm, fw, row)).isCloseTo(e * e, within(1e-12));
    }
  }

  /**
   * The objective's loss on a one-row batch, with the values a worker would pull from {@code
   * table}.
   */
  private static double trainingLoss(Objective o, double[] table, Example row) {
    MiniBatch b = MiniBatch.prepare(List.of(row), 1, 0, o.extraKeys(FEATURES)).get(0);
    int width = o.width();
    double[] w = new double[b.keys().length * width];
    for (int i = 0; i < b.keys().length; i++) {
      System.arraycopy(table, (int) b.keys()[i] * width, w, i * width, width);
    }
    return o.gradient(b, w, new double[w.length]);
  }

  /** A batch of 9 sparse rows with labels 0 .. classes-1 and one extra key (an intercept's). */
  static MiniBatch batch(int classes, long seed) {
    return MiniBatch.prepare(rows(classes, seed), 1, 0, new long[] {FEATURES}).get(0);
  }

  static List<Example> rows(int classes, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Example> rows = new ArrayList<>();
    for (int r = 0; r < 9; r++) {
      long[] idx = rnd.longs(0, FEATURES).distinct().limit(1 + rnd.nextInt(4)).sorted().toArray();
      double[] val = rnd.doubles(idx.length, -2, 2).toArray();
      rows.add(new Example(rnd.nextInt(classes), idx, val));
    }
    return rows;
  }

  static void assertGradientMatches(Objective o, MiniBatch b, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = b.keys().length * o.width();
    double[] w = rnd.doubles(n, -0.5, 0.5).toArray();
    double[] grad = new double[n];
    double loss = o.gradient(b, w, grad);
    assertThat(loss).isPositive();
    double h = 1e-6;
    double largest = 0;
    for (int i = 0; i < n; i++) {
      double[] up = w.clone();
      double[] down = w.clone();
      up[i] += h;
      down[i] -= h;
      double numeric =
          (o.gradient(b, up, new double[n]) - o.gradient(b, down, new double[n])) / (2 * h);
      assertThat(grad[i])
          .as("d loss / d value %d", i)
          .isCloseTo(numeric, within(1e-5 * Math.max(1, Math.abs(numeric))));
      largest = Math.max(largest, Math.abs(grad[i]));
    }
    assertThat(largest).as("the gradient is not all zeros").isGreaterThan(0.01);
  }
}
