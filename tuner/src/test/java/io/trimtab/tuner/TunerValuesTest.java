package io.trimtab.tuner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trimtab.tuner.progress.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The immutable values passed between the tuner's parts: validation and updates. */
class TunerValuesTest {
  private static final Setting A = Setting.defaults(2, 2);
  private static final Setting B = A.withStaleness(io.trimtab.ps.StalenessBound.asp());

  @Test
  void jobPosition_invalidValues_throwNamingTheValue() {
    assertThatThrownBy(() -> new JobPosition(0, A, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid epoch: 0 (must be >= 1)");
    assertThatThrownBy(() -> new JobPosition(1, A, 0, 1, 1))
        .hasMessage("Invalid first loss: 0.0 (must be > 0)");
    assertThatThrownBy(() -> new JobPosition(1, A, 1, 1, -2))
        .hasMessage("Invalid epoch time: -2.0 s (must be >= 0)");
  }

  @Test
  void jobPosition_horizon_isTheEpochsLeftAtTheCurrentPace() {
    JobPosition p = new JobPosition(7, A, 1, 0.5, 2);
    assertThat(p.horizon(10)).isEqualTo(6);
    assertThat(p.horizon(0)).isInfinite();
    assertThat(p.level()).isEqualTo(0.5);
  }

  @Test
  void lossScale_isTheMedianOfTheLatestRatios_withinItsBounds() {
    assertThat(LossScale.NONE.scaled(Target.loss(0.3))).isEqualTo(Target.loss(0.3));
    LossScale s = new LossScale(List.of(1.1, 1.3, 1.2), 1.2);
    assertThat(s.scaled(Target.loss(0.3)).loss()).isCloseTo(0.25, within(1e-12));
    assertThatThrownBy(() -> new LossScale(List.of(), 4))
        .hasMessage("Invalid loss scale: 4.0 (must be within 0.5 .. 3.0)");
    assertThatThrownBy(() -> new LossScale(List.of(1.0, 1.0, 1.0, 1.0, 1.0, 1.0), 1))
        .hasMessage("Invalid loss scale: 6 ratios (must be at most 5)");
  }

  @Test
  void lagGuard_countsEpochsOffTheAnchor_byTheirSpeedRatio() {
    LagGuard g = LagGuard.start(A);
    // the job's first epoch (no loss before it) and epochs under the anchor count for nothing
    g = g.observe(epoch(1, A, 1.0, 0), A, Double.NaN, true, s -> 1);
    g = g.observe(epoch(2, B, 2.0, 0.5), B, 0.6, true, s -> s.equals(B) ? 0.5 : 1.0);
    // half as fast for 2 s: 1 s behind, plus the 0.5 s switch
    assertThat(g.seconds()).isCloseTo(1.5, within(1e-12));
    assertThat(g.worst()).isCloseTo(1.5, within(1e-12));
    assertThat(g.exceeded()).isFalse();
    assertThat(g.withBudget(1).exceeded()).isTrue();
    LagGuard restarted = g.restartAt(B);
    assertThat(restarted.anchor()).isEqualTo(B);
    assertThat(restarted.seconds()).isZero();
    assertThat(restarted.worst()).isCloseTo(1.5, within(1e-12));
    assertThat(restarted.rebaseline()).isTrue();
    assertThatThrownBy(() -> new LagGuard(A, List.of(), 0, 0, -1, false))
        .hasMessage("Invalid guard budget: -1.0 s (must be >= 0)");
  }

  @Test
  void candidateSource_labelsAreWhatDecisionLogsShow() {
    assertThat(Candidate.Source.MEASURED.label()).isEqualTo("measured");
    assertThat(Candidate.Source.MODEL.label()).isEqualTo("model");
    assertThat(Candidate.Source.HISTORY.label()).isEqualTo("history");
    assertThat(new Candidate(A, 1, Candidate.Source.MEASURED, 0).measured()).isTrue();
    assertThat(new Candidate(A, 1, Candidate.Source.MODEL, 0.1).measured()).isFalse();
  }

  private static EpochObservation epoch(
      int epoch, Setting s, double seconds, double switchSeconds) {
    return new EpochObservation(epoch, s, seconds, switchSeconds, new double[] {0.5, 0.4});
  }
}
