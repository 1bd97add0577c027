package io.trimtab.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Frames of {@link WideClickData}'s rows {@code [from, to)}, generated inside the tasks that read
 * them (row i is a pure function of the seed and i: nothing is shipped, nothing cached, every read
 * generates the same rows), in one of two forms: 64-bit {@code indices}/{@code values} columns, or
 * an MLlib {@code features} vector (spaces up to 2^30 only, a vector's size being an int).
 */
final class WideFrames {
  private WideFrames() {}

  /** The generator's parameters, shipped to the tasks (WideClickData itself is rebuilt there). */
  record Spec(int bits, int nnz, long ranks, double zipf, long seed)
      implements java.io.Serializable {
    WideClickData data() {
      return new WideClickData(bits, nnz, ranks, zipf, seed);
    }
  }

  static final StructType INDICES =
      new StructType()
          .add("label", DataTypes.DoubleType, false)
          .add("indices", DataTypes.createArrayType(DataTypes.LongType, false), false)
          .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  static final StructType VECTORS =
      new StructType()
          .add("label", DataTypes.DoubleType, false)
          .add("features", SQLDataTypes.VectorType(), false);

  /** Rows {@code [from, to)} as label, indices (array of longs), values (all 1). */
  static Dataset<Row> indices(SparkSession spark, Spec spec, long from, long to, int partitions) {
    return spark.createDataFrame(rows(spark, spec, from, to, partitions, false), INDICES);
  }

  /**
   * Rows {@code [from, to)} as label and an MLlib sparse vector of 2^bits.
   *
   * @throws IllegalArgumentException if 2^bits is past an MLlib vector's size (2^30 here)
   */
  static Dataset<Row> vectors(SparkSession spark, Spec spec, long from, long to, int partitions) {
    if (spec.bits() > 30) {
      throw new IllegalArgumentException(
          "An MLlib vector cannot hold 2^" + spec.bits() + " features (expected bits <= 30)");
    }
    return spark.createDataFrame(rows(spark, spec, from, to, partitions, true), VECTORS);
  }

  private static JavaRDD<Row> rows(
      SparkSession spark, Spec spec, long from, long to, int partitions, boolean vectors) {
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(p);
    }
    long n = to - from;
    return JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(parts, partitions)
        .flatMap(
            p ->
                new Generated(
                    spec.data(),
                    from + n * p / partitions,
                    from + n * (p + 1) / partitions,
                    vectors));
  }

  /** A partition's rows, made one at a time as Spark reads them. */
  private static final class Generated implements Iterator<Row> {
    private final WideClickData data;
    private final boolean vectors;
    private final long end;
    private final double[] ones;
    private long next;

    Generated(WideClickData data, long from, long to, boolean vectors) {
      this.data = data;
      this.next = from;
      this.end = to;
      this.vectors = vectors;
      this.ones = new double[data.nnz()];
      Arrays.fill(ones, 1.0);
    }

    @Override
    public boolean hasNext() {
      return next < end;
    }

    @Override
    public Row next() {
      if (next >= end) {
        throw new NoSuchElementException();
      }
      long[] idx = new long[data.nnz()];
      double label = data.row(next++, idx);
      if (!vectors) {
        return RowFactory.create(label, idx, ones.clone());
      }
      int[] small = new int[idx.length];
      for (int j = 0; j < idx.length; j++) {
        small[j] = (int) idx[j];
      }
      return RowFactory.create(
          label, new SparseVector((int) data.numFeatures(), small, ones.clone()));
    }
  }
}
