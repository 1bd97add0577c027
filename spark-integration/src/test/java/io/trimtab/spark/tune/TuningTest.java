package io.trimtab.spark.tune;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TuningTest {

  @Test
  void driverTree_isTriedOnlyWhenTheModelIsAtMostFourTimesTheKeysAClockPushes() {
    // spam: 2^18 + 1 keys against about 40k keys a clock; Fashion's footwear: 785 keys, each clock
    // pushing all of them from every worker
    assertThat(Tuning.driverTreeCanPay((1 << 18) + 1, 40_000)).isFalse();
    assertThat(Tuning.driverTreeCanPay(785, 4 * 785)).isTrue();
    assertThat(Tuning.driverTreeCanPay(4_000, 1_000)).as("at the ratio").isTrue();
    assertThat(Tuning.driverTreeCanPay(4_001, 1_000)).isFalse();
    assertThat(Tuning.driverTreeCanPay(1 << 20, Double.NaN)).as("keys unknown").isTrue();
  }
}
