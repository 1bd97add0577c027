package io.trimtab.app.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the real data sets. Needs {@code bin/fetch-data} to have been run: without the data the
 * tests fail with the loader's message naming the missing file and the fix.
 */
class BuiltinDatasetsTest {

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("BuiltinDatasetsTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void heartScale_has270RowsOf13FeaturesWithZeroOneLabels() {
    List<Row> rows = BuiltinDatasets.heartScale(spark).collectAsList();

    assertThat(rows).hasSize(270);
    assertThat(countByLabel(rows)).isEqualTo(Map.of(0.0, 150L, 1.0, 120L));
    assertThat(rows)
        .allSatisfy(row -> assertThat(row.<Vector>getAs("features").size()).isEqualTo(13));
  }

  @Test
  void spamAssassin_hasEveryEmailWithHashedFeatures() {
    int hashBits = 18;
    Dataset<Row> spam = BuiltinDatasets.spamAssassin(spark, hashBits);
    List<Row> rows = spam.collectAsList();

    assertThat(spam.columns()).containsExactly("label", "features");
    assertThat(rows).hasSize(6046);
    assertThat(countByLabel(rows)).isEqualTo(Map.of(0.0, 4150L, 1.0, 1896L));
    long nonZeros = 0;
    for (Row row : rows) {
      SparseVector features = row.getAs("features");
      assertThat(features.size()).isEqualTo(1 << hashBits);
      assertThat(features.indices()).isSorted().doesNotHaveDuplicates();
      nonZeros += features.numNonzeros();
    }
    double meanNonZeros = (double) nonZeros / rows.size();
    System.out.printf(
        "spam: %d rows, mean non-zeros per row at %d bits: %.1f%n",
        rows.size(), hashBits, meanNonZeros);
    assertThat(meanNonZeros).isBetween(50.0, 500.0);
  }

  @Test
  void spamAssassin_smallHashBits_givesSmallVectors() {
    Row first = BuiltinDatasets.spamAssassin(spark, 4).first();

    assertThat(first.<Vector>getAs("features").size()).isEqualTo(16);
  }

  @Test
  void fashionFootwear_has60000DenseRowsWithFootwearLabels() throws IOException {
    long start = System.nanoTime();
    Dataset<Row> fashion = BuiltinDatasets.fashionFootwear(spark);
    double loadSeconds = (System.nanoTime() - start) / 1e9;
    // One pass over the data: the label of each row, or NaN if its features are not a dense
    // vector of 784 values in [0, 1].
    List<Double> labels =
        fashion
            .javaRDD()
            .map(
                row -> {
                  Vector v = row.getAs(1);
                  if (!(v instanceof DenseVector) || v.size() != 784) {
                    return Double.NaN;
                  }
                  for (double x : ((DenseVector) v).values()) {
                    if (!(x >= 0.0 && x <= 1.0)) {
                      return Double.NaN;
                    }
                  }
                  return row.getDouble(0);
                })
            .collect();
    double jobSeconds = (System.nanoTime() - start) / 1e9 - loadSeconds;
    System.out.printf(
        "fashion_footwear: %d rows in %d slices, read %.2f s, one pass %.2f s%n",
        labels.size(), fashion.rdd().getNumPartitions(), loadSeconds, jobSeconds);

    assertThat(fashion.columns()).containsExactly("label", "features");
    assertThat(fashion.schema()).isEqualTo(BuiltinDatasets.schema());
    assertThat(fashion.rdd().getNumPartitions()).isGreaterThanOrEqualTo(16);
    assertThat(labels).hasSize(60_000).doesNotContain(Double.NaN);
    // Read the classes independently: an 8-byte header, then one byte per image.
    byte[] classes = readGz(fashionFile("train-labels-idx1-ubyte.gz"), 8, 60_000);
    double footwear = 0;
    for (int i = 0; i < classes.length; i++) {
      double expected = classes[i] == 5 || classes[i] == 7 || classes[i] == 9 ? 1.0 : 0.0;
      if (labels.get(i) != expected) {
        assertThat(labels.get(i))
            .as("label of image %d (class %d)", i, classes[i])
            .isEqualTo(expected);
      }
      footwear += labels.get(i);
    }
    assertThat(footwear).isEqualTo(18_000.0);
    assertThat(footwear / labels.size()).isEqualTo(0.3);
  }

  @Test
  void fashionFootwear_firstRowIsImageZeroAnAnkleBoot() throws IOException {
    // Image 0 of the training set is class 9 (Ankle boot); its pixels follow a 16-byte header.
    byte[] classes = readGz(fashionFile("train-labels-idx1-ubyte.gz"), 8, 1);
    byte[] pixels = readGz(fashionFile("train-images-idx3-ubyte.gz"), 16, 784);
    assertThat(classes[0]).isEqualTo((byte) 9);

    Row first = BuiltinDatasets.fashionFootwear(spark).first();

    assertThat(first.getDouble(0)).isEqualTo(1.0);
    double[] features = first.<Vector>getAs("features").toArray();
    assertThat(features).hasSize(784);
    int nonZero = 0;
    for (int i = 0; i < 784; i++) {
      assertThat(features[i]).as("pixel %d", i).isEqualTo((pixels[i] & 0xff) / 255.0);
      nonZero += pixels[i] != 0 ? 1 : 0;
    }
    assertThat(nonZero).isBetween(100, 700);
  }

  @Test
  void fashionFootwearTest_has10000RowsWith3000Footwear() {
    Dataset<Row> test = BuiltinDatasets.fashionFootwearTest(spark);

    assertThat(test.count()).isEqualTo(10_000);
    assertThat(test.filter("label = 1.0").count()).isEqualTo(3_000);
    assertThat(test.first().<Vector>getAs("features").size()).isEqualTo(784);
  }

  @Test
  void fashionFootwear_corruptFile_namesIt(@TempDir Path root) throws IOException {
    Path dir = Files.createDirectories(root.resolve("fashion-mnist"));
    Files.copy(
        fashionFile("train-labels-idx1-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"));
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    Files.write(images, Files.readAllBytes(fashionFile("t10k-labels-idx1-ubyte.gz")));
    String previous = System.setProperty(DataDir.PROPERTY, root.toString());
    try {
      assertThatThrownBy(() -> BuiltinDatasets.fashionFootwear(spark))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "Invalid Fashion-MNIST file "
                  + images
                  + ": magic number is 2049 (0x00000801), expected 2051");
      Files.delete(images);
      assertThatThrownBy(() -> BuiltinDatasets.load(spark, "fashion_footwear"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("Missing built-in data: " + images + " does not exist");
    } finally {
      restoreDataDir(previous);
    }
  }

  @Test
  void movieLens_has100004RatingsOf671UsersAnd9066MoviesInHalfSteps() throws IOException {
    Dataset<Row> ratings = BuiltinDatasets.movieLens(spark);

    assertThat(ratings.columns()).containsExactly("userId", "movieId", "rating", "timestamp");
    assertThat(ratings.schema().fields())
        .extracting(field -> field.dataType())
        .containsExactly(
            DataTypes.IntegerType, DataTypes.IntegerType, DataTypes.DoubleType, DataTypes.LongType);
    List<Row> rows = ratings.collectAsList();
    assertThat(rows).hasSize(100_004);

    Set<Integer> users = new HashSet<>();
    Set<Integer> movies = new HashSet<>();
    Set<Long> pairs = new HashSet<>();
    Map<Double, Long> byRating = new TreeMap<>();
    double ratingSum = 0;
    long minTimestamp = Long.MAX_VALUE;
    long maxTimestamp = Long.MIN_VALUE;
    for (Row row : rows) {
      if (row.anyNull()) {
        fail("null value in row " + row);
      }
      users.add(row.getInt(0));
      movies.add(row.getInt(1));
      pairs.add((long) row.getInt(0) << 32 | row.getInt(1));
      byRating.merge(row.getDouble(2), 1L, Long::sum);
      ratingSum += row.getDouble(2);
      minTimestamp = Math.min(minTimestamp, row.getLong(3));
      maxTimestamp = Math.max(maxTimestamp, row.getLong(3));
    }
    assertThat(users).as("distinct users").hasSize(671);
    assertThat(Collections.min(users)).isEqualTo(1);
    assertThat(Collections.max(users)).isEqualTo(671);
    assertThat(movies).as("distinct movies").hasSize(9_066);
    assertThat(Collections.min(movies)).isEqualTo(1);
    assertThat(Collections.max(movies)).isEqualTo(163_949);
    assertThat(pairs).as("distinct (user, movie) pairs").hasSize(100_004);
    // Every rating is one of the ten half steps from 0.5 to 5.0; counts as R's
    // table(movielens$rating) gives them.
    assertThat(byRating)
        .containsExactly(
            Map.entry(0.5, 1_101L),
            Map.entry(1.0, 3_326L),
            Map.entry(1.5, 1_687L),
            Map.entry(2.0, 7_271L),
            Map.entry(2.5, 4_449L),
            Map.entry(3.0, 20_064L),
            Map.entry(3.5, 10_538L),
            Map.entry(4.0, 28_750L),
            Map.entry(4.5, 7_723L),
            Map.entry(5.0, 15_095L));
    assertThat(ratingSum).isEqualTo(354_375.0);
    assertThat(minTimestamp).isEqualTo(789_652_009L);
    assertThat(maxTimestamp).isEqualTo(1_476_640_644L);

    // Row by row against the CSV read here independently, in file order, and three rows against
    // the values R prints for movielens[c(1, 50000, 100004), ].
    List<String> lines =
        Files.readAllLines(DataDir.require("movielens/ratings.csv"), StandardCharsets.UTF_8);
    assertThat(lines.get(0)).isEqualTo("userId,movieId,rating,timestamp");
    assertThat(lines).hasSize(rows.size() + 1);
    for (int i = 0; i < rows.size(); i++) {
      String[] fields = lines.get(i + 1).split(",", -1);
      Row row = rows.get(i);
      if (fields.length != 4
          || row.getInt(0) != Integer.parseInt(fields[0])
          || row.getInt(1) != Integer.parseInt(fields[1])
          || row.getDouble(2) != Double.parseDouble(fields[2])
          || row.getLong(3) != Long.parseLong(fields[3])) {
        assertThat(row.toString())
            .as("row %d against line %d", i, i + 2)
            .isEqualTo("[" + lines.get(i + 1) + "]");
      }
    }
    assertThat(rows.get(0).toString()).isEqualTo("[1,31,2.5,1260759144]");
    assertThat(rows.get(49_999).toString()).isEqualTo("[367,589,4.5,1128631229]");
    assertThat(rows.get(100_003).toString()).isEqualTo("[671,6565,3.5,1074784724]");
  }

  @Test
  void movieLens_missingOrBadFile_namesIt(@TempDir Path root) throws IOException {
    Path file = root.resolve("movielens/ratings.csv");
    String previous = System.setProperty(DataDir.PROPERTY, root.toString());
    try {
      assertThatThrownBy(() -> BuiltinDatasets.movieLens(spark))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("Missing built-in data: " + file + " does not exist")
          .hasMessageContaining("Run bin/fetch-data");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "user,item,rating\n1,31,2.5\n");
      assertThatThrownBy(() -> BuiltinDatasets.movieLens(spark))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "Invalid MovieLens ratings "
                  + file
                  + ": first line is 'user,item,rating',"
                  + " expected 'userId,movieId,rating,timestamp'. Delete "
                  + file.getParent()
                  + " and run bin/fetch-data again.");
      Files.writeString(file, "");
      assertThatThrownBy(() -> BuiltinDatasets.movieLens(spark))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "Invalid MovieLens ratings " + file + ": first line is missing (empty file)");
    } finally {
      restoreDataDir(previous);
    }
  }

  @Test
  void movieLens_byName_isARegressionOnOneHotUserAndMovie() {
    Dataset<Row> oneHot = BuiltinDatasets.load(spark, "movielens");
    assertThat(oneHot.columns()).containsExactly("label", "features", "userId", "movieId");
    List<Row> rows = oneHot.select("label", "features").collectAsList();
    assertThat(rows).hasSize(100_004);
    for (Row r : rows) {
      org.apache.spark.ml.linalg.SparseVector v =
          (org.apache.spark.ml.linalg.SparseVector) r.get(1);
      assertThat(v.size()).isEqualTo(671 + 9066);
      assertThat(v.indices()).hasSize(2);
      assertThat(v.indices()[0]).isLessThan(671);
      assertThat(v.indices()[1]).isGreaterThanOrEqualTo(671);
      assertThat(v.values()).containsExactly(1.0, 1.0);
    }
  }

  @Test
  void load_dispatchesByName() {
    assertThat(BuiltinDatasets.names())
        .containsExactly(
            "heart_scale",
            "spam",
            "fashion_footwear",
            "fashion_footwear_test",
            "fashion",
            "movielens");
    assertThat(BuiltinDatasets.load(spark, "heart_scale").count()).isEqualTo(270);
    assertThat(BuiltinDatasets.load(spark, "fashion_footwear_test").count()).isEqualTo(10_000);
  }

  @Test
  void load_unknownName_throwsListingValidNames() {
    assertThatThrownBy(() -> BuiltinDatasets.load(spark, "mnist"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Unknown built-in data set: 'mnist' (expected one of heart_scale, spam,"
                + " fashion_footwear, fashion_footwear_test, fashion, movielens)");
  }

  @Test
  void spamAssassin_badHashBits_throwsBeforeReading() {
    assertThatThrownBy(() -> BuiltinDatasets.spamAssassin(spark, 31))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid hashBits: 31");
  }

  private static Path fashionFile(String name) {
    return DataDir.require("fashion-mnist/" + name);
  }

  /** Reads {@code length} uncompressed bytes at {@code offset} of a gzipped file. */
  private static byte[] readGz(Path file, int offset, int length) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
      in.skipNBytes(offset);
      byte[] bytes = new byte[length];
      in.readFully(bytes);
      return bytes;
    }
  }

  private static Map<Double, Long> countByLabel(List<Row> rows) {
    Map<Double, Long> counts = new TreeMap<>();
    for (Row row : rows) {
      counts.merge(row.getDouble(row.fieldIndex("label")), 1L, Long::sum);
    }
    return counts;
  }

  /** Puts the data directory property back as it was before a test pointed it elsewhere. */
  private static void restoreDataDir(String previous) {
    if (previous == null) {
      System.clearProperty(DataDir.PROPERTY);
    } else {
      System.setProperty(DataDir.PROPERTY, previous);
    }
  }
}
