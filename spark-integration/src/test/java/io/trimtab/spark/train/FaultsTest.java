package io.trimtab.spark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultsTest {

  @Test
  void unset_injectsNothing() {
    assertThat(Faults.from(k -> null)).isEqualTo(Faults.NONE);
  }

  @Test
  void testSettings_giveTheSlowAndTheFailingWorker() {
    Map<String, String> conf =
        Map.of(Faults.SLOW_WORKER, "1:200", Faults.FAILING_WORKER, " 0 : 7 ");
    Faults f = Faults.from(conf::get);
    assertThat(f).isEqualTo(new Faults(1, 200, 0, 0, 7));
    assertThat(f.slows(1, 0)).as("worker 1 from the first clock").isTrue();
    assertThat(f.slows(0, 5)).as("another worker").isFalse();
    assertThat(f.failsAfter(0, 7, 0, 0)).isTrue();
    assertThat(f.failsAfter(0, 7, 1, 0)).as("a re-run of the stage").isFalse();
    assertThat(f.failsAfter(0, 7, 0, 1)).as("a retried task").isFalse();
  }

  @Test
  void aSlowWorkerWithAClock_isSlowedFromThatClockOn() {
    Faults f = Faults.from(Map.of(Faults.SLOW_WORKER, "1:50:120")::get);
    assertThat(f.slows(1, 119)).isFalse();
    assertThat(f.slows(1, 120)).isTrue();
    assertThat(f.slows(1, 500)).isTrue();
  }

  @Test
  void badValue_failsNamingTheKeyAndTheExpectedForm() {
    assertThatThrownBy(() -> Faults.from(Map.of(Faults.FAILING_WORKER, "1")::get))
        .hasMessage(
            "Invalid spark.trimtab.test.failingWorker: '1' (expected worker:clock, all >= 0)");
    assertThatThrownBy(() -> Faults.from(Map.of(Faults.SLOW_WORKER, "-1:5")::get))
        .hasMessage(
            "Invalid spark.trimtab.test.slowWorker: '-1:5' (expected worker:millis[:clock], all"
                + " >= 0)");
    assertThatThrownBy(() -> Faults.from(Map.of(Faults.SLOW_WORKER, "1:5:6:7")::get))
        .hasMessageContaining("'1:5:6:7' (expected worker:millis[:clock]");
  }
}
