package io.trimtab.spark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EpochTotalsTest {

  @Test
  void of_sumsTheTasks_keepsEachTasksTime_andTheLargestStaleness() {
    TaskResult a =
        new TaskResult(
            3,
            30,
            1_000_000_000L,
            2_000_000_000L,
            0,
            1,
            4_000_000_000L,
            new double[] {2, 1},
            new double[] {20, 10});
    TaskResult b =
        new TaskResult(
            1,
            10,
            0,
            1_000_000_000L,
            500_000_000L,
            2,
            2_000_000_000L,
            new double[] {1, 0},
            new double[] {10, 0});
    EpochTotals t = EpochTotals.of(List.of(a, b), 2);
    assertThat(t.lossSum()).isEqualTo(4);
    assertThat(t.examples()).isEqualTo(40);
    assertThat(t.pullSeconds()).isEqualTo(1);
    assertThat(t.computeSeconds()).isEqualTo(3);
    assertThat(t.pushSeconds()).isEqualTo(0.5);
    assertThat(t.maxStaleness()).isEqualTo(2);
    assertThat(t.taskSeconds()).containsExactly(4, 2);
    assertThat(t.clockLosses()).containsExactly(0.1, 0.1);
  }

  @Test
  void clockLosses_ofAClockWithoutExamples_isNaN() {
    TaskResult a = new TaskResult(1, 10, 0, 0, 0, 0, 0, new double[] {1, 0}, new double[] {10, 0});
    assertThat(EpochTotals.of(List.of(a), 2).clockLosses()[1]).isNaN();
  }

  @Test
  void taskResult_withMismatchedClocks_isRefused() {
    assertThatThrownBy(() -> new TaskResult(0, 0, 0, 0, 0, 0, 0, new double[2], new double[3]))
        .hasMessage(
            "Invalid task result: 2 clock losses for 3 clock example counts (expected one of each per clock)");
  }
}
