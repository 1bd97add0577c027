package io.trimtab.tuner.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The curve families' transforms, shared by the per-segment and whole-job fits. */
class CurveFamilyTest {

  @Test
  void paper_lossInvertsZ_onTheBranchBelowD() {
    CurveFamily paper = CurveFamily.paper(0.7);
    for (double l : new double[] {0.69, 0.5, 0.2, 0.01}) {
      assertThat(paper.loss(paper.z(l))).isCloseTo(l, within(1e-12 * l + 1e-15));
    }
    assertThat(paper.loss(0)).isEqualTo(0.7);
    assertThat(paper.loss(Double.POSITIVE_INFINITY)).isZero();
    assertThat(paper.floor()).isZero();
  }

  @Test
  void paper_zIsTheSegmentModelsTransform() {
    // k(l) = (h / l) ln(d / l) + j0 = j0 + h z(l)
    CurveFamily paper = CurveFamily.paper(0.7);
    assertThat(paper.z(0.3)).isEqualTo(Math.log(0.7 / 0.3) / 0.3);
  }

  @Test
  void optimus_isThePowerFamilyWithExponentOne() {
    CurveFamily optimus = CurveFamily.optimus(0.1);
    // l = 1 / (b0 k + b1) + b2, so z = 1 / (l - b2)
    assertThat(optimus.z(0.35)).isCloseTo(4, within(1e-12));
    assertThat(optimus.loss(4)).isCloseTo(0.35, within(1e-15));
    assertThat(optimus.loss(-1)).isInfinite();
    assertThat(CurveFamily.power(0.1, 2).z(0.35)).isCloseTo(16, within(1e-12));
    assertThat(CurveFamily.power(0.1, 2).loss(16)).isCloseTo(0.35, within(1e-12));
  }

  @Test
  void invalidParameters_throwNamingTheValue() {
    assertThatThrownBy(() -> CurveFamily.paper(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid largest loss d: 0.0 (must be a finite number > 0)");
    assertThatThrownBy(() -> CurveFamily.power(0.1, -1))
        .hasMessage("Invalid exponent p: -1.0 (must be a finite number > 0)");
    assertThatThrownBy(() -> CurveFamily.optimus(Double.NaN))
        .hasMessage("Invalid floor: NaN (must be finite)");
  }

  @Test
  void lambertW_solvesWExpW() {
    for (double x : new double[] {1e-9, 0.5, 1, 10, 1e6}) {
      double w = CurveFamily.Paper.lambertW0(x);
      assertThat(w * Math.exp(w)).isCloseTo(x, within(1e-12 * x));
    }
  }
}
