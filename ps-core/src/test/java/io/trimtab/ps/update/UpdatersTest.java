package io.trimtab.ps.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trimtab.ps.UpdateRule;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpdatersTest {

  @Test
  void builtInRules_applyTheirFormulas() {
    double[] w = {1.0, -2.0};
    Updaters.byName("add", Map.of()).apply(new double[] {0.5, 0.25}, w, 0, null, 0, 2);
    assertThat(w).containsExactly(1.5, -1.75);

    double[] v = {0, 0, 2.0};
    UpdateRule.sgd(0.1, 0.5).updater().apply(new double[] {1.0}, v, 2, null, 0, 1);
    assertThat(v[2]).isCloseTo(2.0 - 0.1 * (1.0 + 0.5 * 2.0), within(1e-15));

    double[] x = {1.0};
    double[] acc = {0, 4.0};
    Updater adagrad = UpdateRule.adagrad(0.1, 0).updater();
    assertThat(adagrad.stateWidth()).isEqualTo(1);
    adagrad.apply(new double[] {3.0}, x, 0, acc, 1, 1);
    assertThat(acc[1]).isEqualTo(13.0);
    assertThat(x[0]).isCloseTo(1.0 - 0.1 * 3.0 / (Math.sqrt(13.0) + 1e-8), within(1e-15));
  }

  @Test
  void unknownRulesAndParameters_giveClearErrors() {
    assertThatThrownBy(() -> UpdateRule.of("adam", Map.of()))
        .hasMessage("Unknown update rule: 'adam' (expected one of [add, sgd, adagrad])");
    assertThatThrownBy(() -> UpdateRule.of("sgd", Map.of(Updaters.LEARNING_RATE, 0.1)))
        .hasMessage("Update rule 'sgd' needs parameter 'l2' (got [learningRate])");
    assertThatThrownBy(
            () -> UpdateRule.of("sgd", Map.of("learningRate", 0.1, "l2", 0.0, "momentum", 0.9)))
        .hasMessage(
            "Unknown parameters [momentum] of update rule 'sgd' (expected [l2, learningRate])");
    assertThatThrownBy(() -> UpdateRule.of("add", Map.of("learningRate", 0.1)))
        .hasMessage("Unknown parameters [learningRate] of update rule 'add' (expected none)");
    assertThatThrownBy(() -> UpdateRule.adagrad(0.1, -1))
        .hasMessage("Invalid L2 strength: -1.0 (must be finite and >= 0)");
  }

  @Test
  void rule_isANameWithSortedParameters() {
    UpdateRule rule = UpdateRule.adagrad(0.1, 0.01);
    assertThat(rule.name()).isEqualTo("adagrad");
    assertThat(rule.params())
        .containsExactly(Map.entry("l2", 0.01), Map.entry("learningRate", 0.1));
    assertThat(rule).isEqualTo(UpdateRule.of("adagrad", Map.of("learningRate", 0.1, "l2", 0.01)));
    assertThat(rule.stateWidth()).isEqualTo(1);
    assertThat(UpdateRule.add().stateWidth()).isZero();
  }
}
