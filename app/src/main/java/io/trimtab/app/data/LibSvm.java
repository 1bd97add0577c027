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
 * NaN silently). With {@code skipMalformed}, bad lines are skipped and counted instead.
 */
public final class LibSvm {
  private static final int EXAMPLES_KEPT = 3;

  private LibSvm() {}

  /**
   * What was read.
   *
   * @param data (label double, features vector) rows, 0-based feature indices
   * @param numFeatures the vector size: as given, or the largest index found
   * @param rows lines read into rows
   * @param skipped malformed lines skipped (0 unless skipping was asked for)
   * @param firstSkipped up to three of the skipped lines, each with its file, offset and reason
   */
  public record Result(
      Dataset<Row> data, int numFeatures, long rows, long skipped, List<String> firstSkipped) {}

  /** One line, parsed; {@code error} set (and the rest empty) if it is malformed. */
  record Line(double label, int[] indices, double[] values, String error) implements Serializable {}

  /** Per-partition tallies of one pass. */
  record Tally(long rows, long skipped, int maxIndex, List<String> firstSkipped)
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
   * @param numFeatures the vector size, or 0 to take the largest index found
   * @param skipMalformed skip and count malformed lines instead of failing on the first
   * @throws IllegalArgumentException on the first malformed line (unless skipping), if {@code
   *     numFeatures} is negative, or if no line holds an example
   */
  public static Result read(
      SparkSession spark, String path, int numFeatures, boolean skipMalformed) {
    if (numFeatures < 0) {
      throw new IllegalArgumentException(
          "Invalid number of features: " + numFeatures + " (expected 0 to infer it, or > 0)");
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
                          int max = 0;
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
    int size = numFeatures > 0 ? numFeatures : Math.max(1, tally.maxIndex());
    JavaRDD<Row> rows =
        lines
            .filter(l -> l.error() == null)
            .map(l -> RowFactory.create(l.label(), Vectors.sparse(size, l.indices(), l.values())));
    StructType schema =
        new StructType()
            .add("label", DataTypes.DoubleType, false)
            .add("features", SQLDataTypes.VectorType(), false);
    return new Result(
        spark.createDataFrame(rows, schema),
        size,
        tally.rows(),
        tally.skipped(),
        tally.firstSkipped());
  }

  private static Iterator<Line> parse(
      String file, Iterator<scala.Tuple2<LongWritable, Text>> it, int numFeatures) {
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
  static Line parseLine(String text, int numFeatures) {
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
    int[] indices = new int[tokens.length - 1];
    double[] values = new double[tokens.length - 1];
    int previous = 0;
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
                + "' is not an integer; expected 1-based indices");
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
      if (index > Integer.MAX_VALUE - 1) {
        return error(
            "feature index "
                + index
                + " is too large; expected at most "
                + (Integer.MAX_VALUE - 1));
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
      indices[i - 1] = (int) index - 1;
      values[i - 1] = value;
      previous = (int) index;
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
