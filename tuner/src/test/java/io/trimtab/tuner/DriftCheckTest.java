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

  /**
   * The drift check's answer after each epoch of a setting kept from epoch 1 whose seconds per
   * iteration are {@code spi} (10 clocks an epoch, the loss falling as 1/epoch).
   */
  private static List<String> replay(double[] spi) {
    DriftCheck check = new DriftCheck(0.3, 2);
    Measured m = new Measured(A);
    List<String> whys = new ArrayList<>();
    for (int e = 1; e <= spi.length; e++) {
      double[] l = new double[10];
      java.util.Arrays.fill(l, 0.5 / e);
      EpochObservation o = new EpochObservation(e, A, 10 * spi[e - 1], 0, l);
      m.add(o, 10L * (e - 1), true);
      if (e == 1) {
        check.reset(m);
      }
      whys.add(check.check(o, m, null, 1.0, 0.5 / Math.max(1, e - 1)));
    }
    return whys;
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

  @Test
  void aSlowdown_isDriftOnItsSecondEpoch_thoughItsFirstWouldRaiseTheNoise() {
    // the seconds per iteration of a kept setting on local-cluster (TunerIT, epochs 4-17), a
    // competing CPU load starting at the 10th of them: the plain coefficient of variation, updated
    // with each epoch, grew with the hiccup and the slow epochs themselves to a bar they could not
    // clear, and the load was noticed after its 5th epoch
    double[] spi = {
      0.0070, 0.0074, 0.0075, 0.0077, 0.0076, 0.0123, 0.0072, 0.0068, 0.0076, 0.0202, 0.0183,
      0.0148, 0.0222, 0.0233
    };
    List<String> whys = replay(spi);
    assertThat(whys.subList(0, 10)).containsOnlyNulls();
    assertThat(whys.get(10)).startsWith("iteration time drifted: 0.0183 s vs 0.007");
  }

  @Test
  void twoSlowerEpochsRightAfterTheChoice_areNotDrift_beforeTheSettingsSpreadIsKnown() {
    // a warm start kept its setting after one epoch, and on local-cluster epochs 3 and 4 then ran
    // 1.36x its first epoch's time (0.0129 vs 0.0095 s an iteration): a re-tune there was noise
    double[] spi = {0.0095, 0.0096, 0.0129, 0.0130, 0.0097, 0.0096, 0.0099};
    List<String> whys = replay(spi);
    assertThat(whys).containsOnlyNulls();
  }
}
