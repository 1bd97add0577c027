package io.trimtab.tuner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DriftCheckTest {
  private static final Setting A = Setting.defaults(2, 2);

  /** The drift check's answer after each of {@code epochs} epochs of 10 clocks under A. */
  private static List<String> run(double risePerEpoch, double noise, int epochs) {
    DriftCheck check = new DriftCheck(0.2, 2);
    Measured m = new Measured(A);
    SplittableRandom rnd = new SplittableRandom(3);
    List<String> out = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      double[] l = new double[10];
      for (int i = 0; i < 10; i++) {
        l[i] =
            0.5 * Math.pow(1 + risePerEpoch, e - 1 + i / 10.0) * (1 + noise * rnd.nextGaussian());
      }
      EpochObservation o = new EpochObservation(e, A, 1.0, 0, l);
      m.add(o, 10L * (e - 1), true);
      // no whole-job prediction: a fit of a rising or flat loss has none
      out.add(check.check(o, m, null, 1.0, l[0]));
    }
    return out;
  }

  @Test
  void aLossRisingUnderTheKeptSetting_isDrift_afterTwoEpochsInARow() {
    List<String> whys = run(0.02, 0.001, 5);
    // the first epoch takes the reference; epochs 2 and 3 see the rise, the second of them re-tunes
    assertThat(whys.get(0)).isNull();
    assertThat(whys.get(1)).isNull();
    assertThat(whys.get(2))
        .isEqualTo("the loss rises under it: +2.0% an epoch over the last two epochs");
  }

  @Test
  void aFlatNoisyLoss_isNotDrift() {
    assertThat(run(0, 0.01, 30)).containsOnlyNulls();
  }
}
