package io.trimtab.spark.ml;

import io.trimtab.spark.objective.FeatureColumns;
import io.trimtab.spark.objective.LogisticLoss;
import io.trimtab.spark.serve.ServedTable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Scores rows with a logistic regression a batch at a time: each partition takes a batch of rows,
 * collects the keys it uses (and the intercept), reads their weights in one go and scores the
 * batch. For a model kept on the shards the weights are pulled from them, so no task (and not the
 * driver) ever holds the whole model; rows with 64-bit indices are scored the same way from a
 * gathered model's broadcast weights.
 */
final class BatchScores {
  /** Rows per batch: a few thousand rows' keys per pull. */
  static final int BATCH_ROWS = 4096;

  private BatchScores() {}

  /** The weights of ascending, distinct keys (features' and the intercept's). */
  interface Weights extends Serializable {
    double[] of(long[] keys);
  }

  /** Weights pulled from a model's table on the shards. */
  static Weights served(ServedTable table) {
    return new Served(table);
  }

  /** Weights of a gathered model, broadcast: {@code numFeatures} weights, then the intercept. */
  static Weights broadcast(Broadcast<double[]> weights, double intercept) {
    return new Broadcasted(weights, intercept);
  }

  /**
   * {@code data} with the probability of the positive class and the 0/1 prediction appended, as
   * {@code out} (the input schema and the two columns) says.
   */
  static Dataset<Row> logistic(
      Dataset<?> data, Weights weights, long numFeatures, FeatureColumns cols, StructType out) {
    Columns c = Columns.of(data.schema(), cols);
    return data.toDF()
        .mapPartitions(
            (MapPartitionsFunction<Row, Row>) rows -> new Scored(rows, weights, numFeatures, c),
            Encoders.row(out));
  }

  /** The margin (intercept plus weights times values) of {@code v}, reading only its keys. */
  static double margin(Weights weights, long numFeatures, Vector v) {
    Batch b = new Batch(numFeatures);
    b.addVector(v);
    b.read(weights);
    return b.marginOfVector(v);
  }

  /** Where a row's features are: a vector, or 64-bit indices and values. */
  private record Columns(int vector, int indices, int values) implements Serializable {
    static Columns of(StructType schema, FeatureColumns cols) {
      return cols.longIndices()
          ? new Columns(
              -1, schema.fieldIndex(cols.indicesCol()), schema.fieldIndex(cols.valuesCol()))
          : new Columns(schema.fieldIndex(cols.featuresCol()), -1, -1);
    }
  }

  /** The keys of a batch of rows, their weights, and each row's margin from them. */
  private static final class Batch {
    private final long numFeatures;
    private long[] keys = new long[1024];
    private int n;
    private double[] weights;

    Batch(long numFeatures) {
      this.numFeatures = numFeatures;
    }

    void add(Row r, Columns c) {
      if (c.vector() >= 0) {
        addVector(r.getAs(c.vector()));
        return;
      }
      List<Object> idx = r.getList(c.indices());
      if (idx.size() != r.getList(c.values()).size()) {
        throw new IllegalArgumentException(
            "Row "
                + r
                + " has "
                + idx.size()
                + " indices and "
                + r.getList(c.values()).size()
                + " values (expected one value per index)");
      }
      for (Object k : idx) {
        long key = ((Number) k).longValue();
        if (key < 0 || key >= numFeatures) {
          throw new IllegalArgumentException(
              "Feature index "
                  + key
                  + " in row "
                  + r
                  + " (expected 0 .. "
                  + (numFeatures - 1)
                  + ", the model's features)");
        }
        push(key);
      }
    }

    void addVector(Vector v) {
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

    /** Reads the weights of the batch's distinct keys and the intercept's (key numFeatures). */
    void read(Weights source) {
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
      weights = source.of(keys);
    }

    private double weight(long key) {
      return weights[Arrays.binarySearch(keys, 0, n, key)];
    }

    double margin(Row r, Columns c) {
      if (c.vector() >= 0) {
        return marginOfVector(r.getAs(c.vector()));
      }
      List<Object> idx = r.getList(c.indices());
      List<Object> val = r.getList(c.values());
      double z = weight(numFeatures);
      for (int i = 0; i < idx.size(); i++) {
        z += weight(((Number) idx.get(i)).longValue()) * ((Number) val.get(i)).doubleValue();
      }
      return z;
    }

    double marginOfVector(Vector v) {
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
    private final Weights weights;
    private final long numFeatures;
    private final Columns columns;
    private final List<Row> batch = new ArrayList<>();
    private final double[] probabilities = new double[BATCH_ROWS];
    private int next;

    Scored(Iterator<Row> in, Weights weights, long numFeatures, Columns columns) {
      this.in = in;
      this.weights = weights;
      this.numFeatures = numFeatures;
      this.columns = columns;
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
        b.add(r, columns);
        batch.add(r);
      }
      if (batch.isEmpty()) {
        return false;
      }
      b.read(weights);
      for (int i = 0; i < batch.size(); i++) {
        probabilities[i] = LogisticLoss.sigmoid(b.margin(batch.get(i), columns));
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

  private record Served(ServedTable table) implements Weights {
    @Override
    public double[] of(long[] keys) {
      return table.pull(keys);
    }
  }

  private record Broadcasted(Broadcast<double[]> weights, double intercept) implements Weights {
    @Override
    public double[] of(long[] keys) {
      double[] w = weights.value();
      double[] out = new double[keys.length];
      for (int i = 0; i < keys.length; i++) {
        out[i] = keys[i] == w.length ? intercept : w[(int) keys[i]];
      }
      return out;
    }
  }
}
