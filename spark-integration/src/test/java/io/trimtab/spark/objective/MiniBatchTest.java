package io.trimtab.spark.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MiniBatchTest {

  private static List<Example> rows(int n, int dim, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int nnz = 1 + rnd.nextInt(5);
      long[] idx = rnd.longs(0, dim).distinct().limit(nnz).sorted().toArray();
      double[] val = new double[idx.length];
      for (int k = 0; k < val.length; k++) {
        val[k] = rnd.nextDouble() * 2 - 1;
      }
      out.add(new Example(rnd.nextBoolean() ? 1 : 0, idx, val));
    }
    return out;
  }

  @Test
  void prepare_keepsEveryRowOnce_withSortedDistinctKeysAndTheInterceptLast() {
    List<Example> rows = rows(103, 50, 1);
    List<MiniBatch> batches = MiniBatch.prepare(rows, 10, 0, 50);
    assertThat(batches).hasSize(10);
    assertThat(batches.stream().mapToInt(MiniBatch::rows).sum()).isEqualTo(103);
    int r = 0;
    for (MiniBatch b : batches) {
      long[] keys = b.keys();
      assertThat(keys[keys.length - 1]).isEqualTo(50);
      for (int k = 1; k < keys.length - 1; k++) {
        assertThat(keys[k]).isGreaterThan(keys[k - 1]);
      }
      for (int i = 0; i < b.rows(); i++, r++) {
        Example e = rows.get(r);
        assertThat(b.labels()[i]).isEqualTo(e.label());
        for (int k = b.rowStart()[i], j = 0; k < b.rowStart()[i + 1]; k++, j++) {
          assertThat(keys[b.positions()[k]]).isEqualTo(e.indices()[j]);
          assertThat(b.values()[k]).isEqualTo(e.values()[j]);
        }
      }
    }
  }

  @Test
  void fewerRowsThanBatches_givesEmptyBatches() {
    List<MiniBatch> batches = MiniBatch.prepare(rows(3, 10, 2), 5, 9, 10);
    assertThat(batches).hasSize(5);
    assertThat(batches.stream().filter(b -> b.rows() == 0).count()).isEqualTo(2);
    assertThat(batches.stream().filter(b -> b.rows() == 0).allMatch(b -> b.keys().length == 0))
        .isTrue();
  }

  @Test
  void gradient_matchesADirectComputation() {
    List<Example> rows = rows(40, 30, 3);
    MiniBatch b = MiniBatch.prepare(rows, 1, 0, 30).get(0);
    SplittableRandom rnd = new SplittableRandom(4);
    double[] fullW = new double[31];
    for (int i = 0; i < fullW.length; i++) {
      fullW[i] = rnd.nextDouble() - 0.5;
    }
    double[] pulled = new double[b.keys().length];
    for (int k = 0; k < pulled.length; k++) {
      pulled[k] = fullW[(int) b.keys()[k]];
    }
    double[] grad = new double[pulled.length];
    double loss = LogisticObjective.INSTANCE.gradient(b, pulled, grad);

    double[] expected = new double[31];
    double expectedLoss = 0;
    for (Example e : rows) {
      double z = fullW[30];
      for (int j = 0; j < e.indices().length; j++) {
        z += fullW[(int) e.indices()[j]] * e.values()[j];
      }
      double p = 1 / (1 + Math.exp(-z));
      expectedLoss += -(e.label() * Math.log(p) + (1 - e.label()) * Math.log(1 - p));
      for (int j = 0; j < e.indices().length; j++) {
        expected[(int) e.indices()[j]] += (p - e.label()) * e.values()[j];
      }
      expected[30] += p - e.label();
    }
    assertThat(loss).isCloseTo(expectedLoss, within(1e-9));
    for (int k = 0; k < grad.length; k++) {
      assertThat(grad[k]).isCloseTo(expected[(int) b.keys()[k]], within(1e-12));
    }
  }

  @Test
  void logisticLoss_isStableForLargeMargins() {
    assertThat(LogisticLoss.loss(1, 800)).isCloseTo(0, within(1e-300));
    assertThat(LogisticLoss.loss(0, 800)).isCloseTo(800, within(1e-9));
    assertThat(LogisticLoss.loss(1, -800)).isCloseTo(800, within(1e-9));
    assertThat(LogisticLoss.sigmoid(-800)).isGreaterThanOrEqualTo(0).isLessThan(1e-300);
    assertThat(LogisticLoss.sigmoid(800)).isEqualTo(1.0);
  }
}
