package io.trimtab.tuner.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class GaussianProcessTest {

  private static double[] outputs(double[][] x, ToDoubleFunction<double[]> f) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = f.applyAsDouble(x[i]);
    }
    return y;
  }

  @Test
  void gp_interpolatesNoiseFreeData() {
    // 8 points in [0, 0.5] of a smooth function with an offset and scale the GP must standardize
    // away
    double[][] x = new double[8][];
    for (int i = 0; i < x.length; i++) {
      x[i] = new double[] {0.5 * i / 7};
    }
    double[] y = outputs(x, p -> 100 + 20 * Math.sin(6 * p[0]));
    GaussianProcess gp = GaussianProcess.fit(x, y, 1);

    double maxSdAtData = 0;
    for (int i = 0; i < x.length; i++) {
      Prediction p = gp.predict(x[i]);
      assertThat(p.mean())
          .as("mean at training point %d", i)
          .isCloseTo(y[i], within(0.01)); // 0.05% of the range
      maxSdAtData = Math.max(maxSdAtData, p.sd());
    }
    assertThat(maxSdAtData).isLessThan(0.05);
    Prediction far = gp.predict(new double[] {1.0});
    assertThat(far.sd()).isGreaterThan(10 * maxSdAtData).isGreaterThan(1.0);
    assertThat(gp.size()).isEqualTo(8);
    assertThat(gp.dimensions()).isEqualTo(1);
  }

  @Test
  void gp_predictsHeldOutSineFrom15Points() {
    double[][] x = LatinHypercube.sample(15, 1, 7);
    double[] y = outputs(x, p -> Math.sin(2 * Math.PI * p[0]));
    GaussianProcess gp = GaussianProcess.fit(x, y, 3);

    double maxError = 0;
    for (int i = 0; i <= 100; i++) {
      double t = 0.05 + 0.9 * i / 100; // held out, inside the sampled range (no extrapolation)
      double error = Math.abs(gp.predict(new double[] {t}).mean() - Math.sin(2 * Math.PI * t));
      maxError = Math.max(maxError, error);
    }
    assertThat(maxError).as("max abs error on [0.05, 0.95], function amplitude 1").isLessThan(0.01);
  }

  @Test
  void gp_ardFindsLongLengthScaleForNearlyFlatDimension() {
    double[][] x = LatinHypercube.sample(40, 2, 11);
    double[] y = outputs(x, p -> Math.sin(3 * Math.PI * p[0]) + 0.05 * p[1]);
    GaussianProcess gp = GaussianProcess.fit(x, y, 5);

    double[] ls = gp.lengthScales();
    assertThat(ls[0]).as("wiggly dimension").isLessThan(0.5);
    assertThat(ls[1]).as("nearly flat dimension").isGreaterThan(1.0).isGreaterThan(5 * ls[0]);
  }

  @Test
  void gp_fittingBeatsFixedBadHyperparameters() {
    double[][] x = LatinHypercube.sample(20, 2, 13);
    double[] y = outputs(x, p -> Math.exp(-3 * p[0]) + Math.cos(4 * p[1]));
    GaussianProcess fitted = GaussianProcess.fit(x, y, 2);
    GaussianProcess tooShort =
        GaussianProcess.withHyperparameters(x, y, new double[] {0.05, 0.05}, 1, 1e-6);
    GaussianProcess allNoise =
        GaussianProcess.withHyperparameters(x, y, new double[] {1, 1}, 0.05, 1);

    assertThat(fitted.logMarginalLikelihood())
        .isGreaterThan(tooShort.logMarginalLikelihood() + 1)
        .isGreaterThan(allNoise.logMarginalLikelihood() + 1);
    for (double l : fitted.lengthScales()) {
      assertThat(l).isBetween(0.05, 5.0);
    }
    assertThat(fitted.noiseVariance()).isBetween(1e-6, 1.0);
  }

  @Test
  void gp_recoversNoiseOnNoisyData() {
    Random random = new Random(17);
    double[][] x = LatinHypercube.sample(60, 1, 19);
    double[] y = outputs(x, p -> Math.sin(2 * Math.PI * p[0]) + 0.3 * random.nextGaussian());
    GaussianProcess gp = GaussianProcess.fit(x, y, 4);
    GaussianProcess clean =
        GaussianProcess.fit(x, outputs(x, p -> Math.sin(2 * Math.PI * p[0])), 4);

    // noise sd 0.3 against an output sd of ~0.78: about 0.15 in standardized units
    assertThat(gp.noiseVariance()).isBetween(0.03, 0.5);
    assertThat(clean.noiseVariance()).isLessThan(1e-3);
  }

  @Test
  void gp_sameSeedGivesSameModel() {
    double[][] x = LatinHypercube.sample(12, 3, 23);
    double[] y = outputs(x, p -> p[0] * p[1] - Math.sin(5 * p[2]));
    GaussianProcess a = GaussianProcess.fit(x, y, 42);
    GaussianProcess b = GaussianProcess.fit(x, y, 42);

    assertThat(a.lengthScales()).containsExactly(b.lengthScales());
    assertThat(a.signalVariance()).isEqualTo(b.signalVariance());
    assertThat(a.noiseVariance()).isEqualTo(b.noiseVariance());
    assertThat(a.logMarginalLikelihood()).isEqualTo(b.logMarginalLikelihood());
    assertThat(a.predict(new double[] {0.3, 0.6, 0.9}))
        .isEqualTo(b.predict(new double[] {0.3, 0.6, 0.9}));
  }

  @Test
  void gp_duplicatePointsAndConstantOutputsStillFit() {
    double[][] x = {{0.5, 0.5}, {0.5, 0.5}, {0.2, 0.8}};
    GaussianProcess dup = GaussianProcess.fit(x, new double[] {1, 1.1, 3}, 0);
    assertThat(dup.predict(new double[] {0.5, 0.5}).mean()).isBetween(0.9, 1.2);

    GaussianProcess flat = GaussianProcess.fit(x, new double[] {2, 2, 2}, 0);
    assertThat(flat.predict(new double[] {0.9, 0.1}).mean()).isCloseTo(2, within(1e-9));

    GaussianProcess single = GaussianProcess.fit(new double[][] {{0.4}}, new double[] {5}, 0);
    assertThat(single.predict(new double[] {0.4}).mean()).isCloseTo(5, within(1e-3));
  }

  @Test
  void gp_rejectsInvalidInputsNamingTheValue() {
    assertThatThrownBy(() -> GaussianProcess.fit(new double[0][], new double[0], 0))
        .hasMessage("No training data: 0 points (expected at least 1 point)");
    assertThatThrownBy(
            () -> GaussianProcess.fit(new double[][] {{0.1, 0.2}, {0.3}}, new double[] {1, 2}, 0))
        .hasMessage("Ragged training data: point 1 has 1 coordinates (expected 2)");
    assertThatThrownBy(
            () -> GaussianProcess.fit(new double[][] {{0.1}, {0.3}}, new double[] {1}, 0))
        .hasMessage(
            "Mismatched training data: 2 points but 1 outputs (expected one output per point)");
    assertThatThrownBy(
            () -> GaussianProcess.fit(new double[][] {{0.1}, {Double.NaN}}, new double[] {1, 2}, 0))
        .hasMessage("Invalid value in training point 1 at index 0: NaN (must be finite)");
    assertThatThrownBy(
            () ->
                GaussianProcess.fit(new double[][] {{0.1}, {0.2}}, new double[] {1, Double.NaN}, 0))
        .hasMessage("Invalid value in outputs at index 1: NaN (must be finite)");
    assertThatThrownBy(
            () ->
                GaussianProcess.withHyperparameters(
                    new double[][] {{0.1}}, new double[] {1}, new double[] {-1.0}, 1, 0.1))
        .hasMessage("Invalid length scale: -1.0 (must be > 0)");
    GaussianProcess gp = GaussianProcess.fit(new double[][] {{0.1}, {0.7}}, new double[] {1, 2}, 0);
    assertThatThrownBy(() -> gp.predict(new double[] {0.1, 0.2}))
        .hasMessage("Invalid point: [0.1, 0.2] (expected 1 coordinates)");
  }
}
