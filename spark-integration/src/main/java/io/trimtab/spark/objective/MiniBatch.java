package io.trimtab.spark.objective;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A mini-batch prepared once for every epoch: the sorted distinct feature keys it touches, then the
 * model's extra keys (e.g. the intercept; see {@link Objective#extraKeys}), and its rows in CSR
 * form with columns renumbered to positions in {@code keys}, so that an epoch pulls {@code keys},
 * reads weights by position and pushes a gradient over the same keys, with no per-epoch sorting or
 * searching.
 *
 * @param keys distinct feature keys, ascending, then the model's extra keys
 * @param rowStart CSR row offsets, {@code rows + 1} entries
 * @param positions per non-zero: index into {@code keys}
 * @param values per non-zero: feature value
 * @param labels per row (0 or 1 for logistic regression; a class, a rating: see {@link
 *     Objective#labelProblem})
 */
public record MiniBatch(
    long[] keys, int[] rowStart, int[] positions, double[] values, double[] labels)
    implements Serializable {

  /** Rows in this batch. */
  public int rows() {
    return labels.length;
  }

  /**
   * Cuts a partition's examples into {@code batches} mini-batches of near-equal size (some empty if
   * there are fewer rows than batches), after a seeded shuffle when {@code seed != 0}.
   */
  public static List<MiniBatch> prepare(
      List<Example> rows, int batches, long seed, long interceptKey) {
    return prepare(rows, batches, seed, new long[] {interceptKey});
  }

  /**
   * As above, with {@code extraKeys} (ascending, above every feature key) after each batch's
   * features.
   */
  public static List<MiniBatch> prepare(
      List<Example> rows, int batches, long seed, long[] extraKeys) {
    Example[] order = rows.toArray(new Example[0]);
    if (seed != 0) {
      SplittableRandom rnd = new SplittableRandom(seed);
      for (int i = order.length - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        Example t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    List<MiniBatch> out = new ArrayList<>(batches);
    int n = order.length;
    for (int b = 0; b < batches; b++) {
      int lo = (int) ((long) n * b / batches);
      int hi = (int) ((long) n * (b + 1) / batches);
      out.add(of(order, lo, hi, extraKeys));
    }
    return out;
  }

  static MiniBatch of(Example[] rows, int lo, int hi, long[] extraKeys) {
    int nnz = 0;
    for (int i = lo; i < hi; i++) {
      nnz += rows[i].indices().length;
    }
    long[] all = new long[nnz];
    int k = 0;
    for (int i = lo; i < hi; i++) {
      long[] idx = rows[i].indices();
      System.arraycopy(idx, 0, all, k, idx.length);
      k += idx.length;
    }
    int[] positions = new int[nnz];
    long[] sorted = KeyRanks.of(all, positions);
    int distinct = sorted.length;
    long[] keys = new long[hi > lo ? distinct + extraKeys.length : 0];
    System.arraycopy(sorted, 0, keys, 0, distinct);
    if (hi > lo) {
      System.arraycopy(extraKeys, 0, keys, distinct, extraKeys.length);
    }
    int[] rowStart = new int[hi - lo + 1];
    double[] values = new double[nnz];
    double[] labels = new double[hi - lo];
    k = 0;
    for (int i = lo; i < hi; i++) {
      Example e = rows[i];
      int len = e.indices().length;
      System.arraycopy(e.values(), 0, values, k, len);
      k += len;
      labels[i - lo] = e.label();
      rowStart[i - lo + 1] = k;
    }
    return new MiniBatch(keys, rowStart, positions, values, labels);
  }
}
