package io.trimtab.app.data;

import io.trimtab.spark.UserErrors;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads LibSVM text files ({@code label index:value ...}, 1-based ascending indices, {@code #}
 * comments) into a (label, features) DataFrame like Spark's {@code libsvm} source, but checks every
 * line and names the file, the byte offset and the line of the first bad one: a label or value that
 * is not a finite number, an index that is not a positive integer, not ascending or beyond {@code
 * numFeatures}. Spark's own source fails on such lines with a bare NumberFormatException (or reads
 * NaN silently). With {@code skipMalformed}, bad lines are skipped and counted instead. Indices
 * beyond a Spark ML vector's (2^31 - 1) are read too, up to 2^63 - 2: then the features come as
 * 64-bit {@code indices} and their {@code values} (arrays) instead of a vector.
 */
public final class LibSvm {
  private static final int EXAMPLES_KEPT = 3;

  private LibSvm() {}

  /**
   * What was read.
   *
   * @param data (label double, features vector) rows, 0-based feature indices; or, past a vector's
   *     size, (label, indices array&lt;bigint&gt;, values array&lt;double&gt;)
   * @param numFeatures the number of features: as given, or the largest index found
   * @param rows lines read into rows
   * @param skipped malformed lines skipped (0 unless skipping was asked for)
   * @param firstSkipped up to three of the skipped lines, each with its file, offset and reason
   */
  public record Result(
      Dataset<Row> data, long numFeatures, long rows, long skipped, List<String> firstSkipped) {

    /** Whether the features are 64-bit indices and values rather than a vector. */
    public boolean longIndices() {
      return numFeatures > MAX_VECTOR;
    }
  }

  /** The largest Spark ML vector size (its indices are ints). */
  static final long MAX_VECTOR = Integer.MAX_VALUE - 1;

  /** The most features a model takes (one more key for the intercept, below 2^63). */
  static final long MAX_FEATURES = Long.MAX_VALUE - 1;

  /** One line, parsed; {@code error} set (and the rest empty) if it is malformed. */
  record Line(double label, long[] indices, double[] values, String error)
      implements Serializable {}

  /** Per-partition tallies of one pass. */
  record Tally(long rows, long skipped, long maxIndex, List<String> firstSkipped)
      implements Serializable {
    Tally merge(Tally o) {
      List<String> firsts = new ArrayList<>(firstSkipped);
      for (String s : o.firstSkipped) {
        if (firsts.size() < EXAMPLES_KEPT) {
          firsts.add(s);
        }
      }
      return new Tally(rows + o.rows, skipped + o.skipped, Math.max(maxIndex, o.maxIndex), firsts);
    }
  }

  /**
   * Reads the files at {@code path} (a file, a directory or a glob; any Hadoop file system).
   *
   * @param numFeatures the number of features, or 0 to take the largest index found
   * @param skipMalformed skip and count malformed lines instead of failing on the first
   * @throws IllegalArgumentException on the first malformed line (unless skipping), if {@code
   *     numFeatures} is negative, or if no line holds an example
   */
  public static Result read(
      SparkSession spark, String path, long numFeatures, boolean skipMalformed) {
    if (numFeatures < 0 || numFeatures > MAX_FEATURES) {
      throw new IllegalArgumentException(
          "Invalid number of features: "
              + numFeatures
              + " (expected 0 to infer it, or 1 .. "
              + MAX_FEATURES
              + ")");
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    @SuppressWarnings("unchecked")
    JavaNewHadoopRDD<LongWritable, Text> files =
        (JavaNewHadoopRDD<LongWritable, Text>)
            jsc.newAPIHadoopFile(
                path,
                TextInputFormat.class,
                LongWritable.class,
                Text.class,
                jsc.hadoopConfiguration());
    JavaRDD<Line> lines =
        files.mapPartitionsWithInputSplit(
            (split, it) ->
                parse(
                    split instanceof FileSplit f ? f.getPath().toString() : split.toString(),
                    it,
                    numFeatures),
            true);
    Tally tally =
        UserErrors.unwrap(
            () ->
                lines
                    .mapPartitions(
                        it -> {
                          long rows = 0;
                          long skipped = 0;
                          long max = 0;
                          List<String> firsts = new ArrayList<>();
                          while (it.hasNext()) {
                            Line l = it.next();
                            if (l.error() != null) {
                              if (!skipMalformed) {
                                throw new IllegalArgumentException(l.error());
                              }
                              skipped++;
                              if (firsts.size() < EXAMPLES_KEPT) {
                                firsts.add(l.error());
                              }
                            } else {
                              rows++;
                              if (l.indices().length > 0) {
                                max = Math.max(max, l.indices()[l.indices().length - 1] + 1);
                              }
                            }
                          }
                          return List.of(new Tally(rows, skipped, max, firsts)).iterator();
                        })
                    .fold(new Tally(0, 0, 0, List.of()), Tally::merge));
    if (tally.rows() == 0) {
      throw new IllegalArgumentException(
          "No example in "
              + path
              + " ("
              + tally.skipped()
              + " malformed lines skipped; expected lines 'label index:value ...')");
    }
    long size = numFeatures > 0 ? numFeatures : Math.max(1, tally.maxIndex());
    JavaRDD<Row> rows;
    StructType schema;
    if (size > MAX_VECTOR) {
      rows =
          lines
              .filter(l -> l.error() == null)
              .map(l -> RowFactory.create(l.label(), l.indices(), l.values()));
      schema =
          new StructType()
              .add("label", DataTypes.DoubleType, false)
              .add("indices", DataTypes.createArrayType(DataTypes.LongType, false), false)
              .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    } else {
      int n = (int) size;
      rows =
          lines
              .filter(l -> l.error() == null)
              .map(
                  l ->
                      RowFactory.create(
                          l.label(), Vectors.sparse(n, ints(l.indices()), l.values())));
      schema =
          new StructType()
              .add("label", DataTypes.DoubleType, false)
              .add("features", SQLDataTypes.VectorType(), false);
    }
    return new Result(
        spark.createDataFrame(rows, schema),
        size,
        tally.rows(),
        tally.skipped(),
        tally.firstSkipped());
  }

  private static int[] ints(long[] indices) {
    int[] out = new int[indices.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) indices[i];
    }
    return out;
  }

  private static Iterator<Line> parse(
      String file, Iterator<scala.Tuple2<LongWritable, Text>> it, long numFeatures) {
    return new Iterator<>() {
      private Line next = advance();

      private Line advance() {
        while (it.hasNext()) {
          scala.Tuple2<LongWritable, Text> t = it.next();
          Line l = parseLine(t._2().toString(), numFeatures);
          if (l != null) {
            return l.error() == null
                ? l
                : new Line(
                    0,
                    null,
                    null,
                    String.format(
                        Locale.ROOT,
                        "Malformed LibSVM line in %s at byte offset %d: '%s' (%s)",
                        file,
                        t._1().get(),
                        abbreviate(t._2().toString()),
                        l.error()));
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Line next() {
        if (next == null) {
          throw new java.util.NoSuchElementException();
        }
        Line l = next;
        next = advance();
        return l;
      }
    };
  }

  /**
   * Parses one line: null for a blank or comment-only line, a {@link Line} with {@code error}
   * saying what is wrong and what was expected for a malformed one. Indices come back 0-based.
   */
  static Line parseLine(String text, long numFeatures) {
    int hash = text.indexOf('#');
    String body = (hash >= 0 ? text.substring(0, hash) : text).trim();
    if (body.isEmpty()) {
      return null;
    }
    String[] tokens = body.split("\\s+");
    double label;
    try {
      label = Double.parseDouble(tokens[0]);
    } catch (NumberFormatException e) {
      return error("label '" + tokens[0] + "' is not a number; expected 'label index:value ...'");
    }
    if (!Double.isFinite(label)) {
      return error("label " + tokens[0] + " is not finite; expected a finite number");
    }
    long[] indices = new long[tokens.length - 1];
    double[] values = new double[tokens.length - 1];
    long previous = 0;
    for (int i = 1; i < tokens.length; i++) {
      String tok = tokens[i];
      int colon = tok.indexOf(':');
      if (colon <= 0 || colon == tok.length() - 1) {
        return error("feature '" + tok + "' is not index:value");
      }
      long index;
      try {
        index = Long.parseLong(tok.substring(0, colon));
      } catch (NumberFormatException e) {
        return error(
            "feature index '"
                + tok.substring(0, colon)
                + "' is not an integer below 2^63; expected 1-based indices");
      }
      if (index < 1) {
        return error(
            "feature index " + index + " is not positive; expected 1-based indices (>= 1)");
      }
      if (index <= previous) {
        return error(
            "feature index "
                + index
                + " after "
                + previous
                + "; expected strictly ascending indices");
      }
      if (numFeatures > 0 && index > numFeatures) {
        return error(
            "feature index "
                + index
                + " is beyond the "
                + numFeatures
                + " features given; expected 1 .. "
                + numFeatures);
      }
      if (index > MAX_FEATURES) {
        return error(
            "feature index "
                + index
                + " is too large; expected at most "
                + MAX_FEATURES
                + " (a key is left for the intercept below 2^63)");
      }
      double value;
      try {
        value = Double.parseDouble(tok.substring(colon + 1));
      } catch (NumberFormatException e) {
        return error(
            "value '" + tok.substring(colon + 1) + "' of feature " + index + " is not a number");
      }
      if (!Double.isFinite(value)) {
        return error(
            "value "
                + tok.substring(colon + 1)
                + " of feature "
                + index
                + " is not finite; expected a finite number");
      }
      indices[i - 1] = index - 1;
      values[i - 1] = value;
      previous = index;
    }
    return new Line(label, indices, values, null);
  }

  private static Line error(String why) {
    return new Line(0, null, null, why);
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  /**
   * {@code data} with -1 labels mapped to 0: LibSVM binary files often use -1/+1, and a binary
   * model wants 0/1 (rejecting any other label by row).
   */
  public static Dataset<Row> zeroOneLabels(Dataset<Row> data) {
    return data.withColumn(
        "label",
        org.apache
            .spark
            .sql
            .functions
            .when(data.col("label").equalTo(-1.0), 0.0)
            .otherwise(data.col("label")));
  }
}
