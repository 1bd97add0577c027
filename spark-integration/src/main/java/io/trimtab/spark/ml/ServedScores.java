package io.trimtab.spark.ml;

import io.trimtab.spark.objective.LogisticLoss;
import io.trimtab.spark.serve.ServedTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Scores rows with a logistic regression kept on the shards: each partition takes its rows a batch
 * at a time, pulls from the shards only the keys the batch uses (and the intercept), and scores the
 * batch, so no task (and not the driver) ever holds the whole model.
 */
final class ServedScores {
  /** Rows per pull: a few thousand rows' keys per request. */
  static final int BATCH_ROWS = 4096;

  private ServedScores() {}

  /**
   * {@code data} with the probability of the positive class and the 0/1 prediction appended, as
   * {@code out} (the input schema and the two columns) says.
   */
  static Dataset<Row> logistic(
      Dataset<?> data, ServedTable table, int numFeatures, String featuresCol, StructType out) {
    int features = data.schema().fieldIndex(featuresCol);
    return data.toDF()
        .mapPartitions(
            (MapPartitionsFunction<Row, Row>)
                rows -> new Scored(rows, table, numFeatures, features),
            Encoders.row(out));
  }

  /** The margin (intercept plus weights times values) of {@code v}, pulling only its keys. */
  static double margin(ServedTable table, int numFeatures, Vector v) {
    Batch b = new Batch(numFeatures);
    b.add(v);
    b.pull(table);
    return b.margin(v);
  }

  /** The keys of a batch of rows, their pulled weights, and each row's margin from them. */
  private static final class Batch {
    private final int numFeatures;
    private long[] keys = new long[1024];
    private int n;
    private double[] weights;

    Batch(int numFeatures) {
      this.numFeatures = numFeatures;
    }

    void add(Vector v) {
      ModelSchema.checkSize(v, numFeatures);
      if (v instanceof SparseVector sv) {
        for (int i : sv.indices()) {
          push(i);
        }
      } else {
        for (int i = 0; i < v.size(); i++) {
          push(i);
        }
      }
    }

    private void push(long key) {
      if (n == keys.length) {
        keys = Arrays.copyOf(keys, n * 2);
      }
      keys[n++] = key;
    }

    /** Pulls the batch's distinct keys and the intercept (the key after the features). */
    void pull(ServedTable table) {
      push(numFeatures);
      long[] k = Arrays.copyOf(keys, n);
      Arrays.sort(k);
      int d = 0;
      for (int i = 0; i < k.length; i++) {
        if (i == 0 || k[i] != k[i - 1]) {
          k[d++] = k[i];
        }
      }
      keys = Arrays.copyOf(k, d);
      n = d;
      weights = table.pull(keys);
    }

    private double weight(long key) {
      return weights[Arrays.binarySearch(keys, 0, n, key)];
    }

    double margin(Vector v) {
      double z = weight(numFeatures);
      if (v instanceof SparseVector sv) {
        int[] idx = sv.indices();
        double[] val = sv.values();
        for (int i = 0; i < idx.length; i++) {
          z += weight(idx[i]) * val[i];
        }
      } else {
        for (int i = 0; i < v.size(); i++) {
          z += weight(i) * v.apply(i);
        }
      }
      return z;
    }
  }

  /** A partition's rows, scored a batch at a time. */
  private static final class Scored implements Iterator<Row> {
    private final Iterator<Row> in;
    private final ServedTable table;
    private final int numFeatures;
    private final int features;
    private final List<Row> batch = new ArrayList<>();
    private final double[] probabilities = new double[BATCH_ROWS];
    private int next;

    Scored(Iterator<Row> in, ServedTable table, int numFeatures, int features) {
      this.in = in;
      this.table = table;
      this.numFeatures = numFeatures;
      this.features = features;
    }

    @Override
    public boolean hasNext() {
      if (next < batch.size()) {
        return true;
      }
      batch.clear();
      next = 0;
      Batch b = new Batch(numFeatures);
      while (batch.size() < BATCH_ROWS && in.hasNext()) {
        Row r = in.next();
        b.add(r.getAs(features));
        batch.add(r);
      }
      if (batch.isEmpty()) {
        return false;
      }
      b.pull(table);
      for (int i = 0; i < batch.size(); i++) {
        probabilities[i] = LogisticLoss.sigmoid(b.margin(batch.get(i).getAs(features)));
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = batch.get(next);
      double p = probabilities[next++];
      Object[] out = new Object[r.size() + 2];
      for (int i = 0; i < r.size(); i++) {
        out[i] = r.get(i);
      }
      out[r.size()] = p;
      out[r.size() + 1] = p >= 0.5 ? 1.0 : 0.0;
      return RowFactory.create(out);
    }
  }
}
