package io.trimtab.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
    spark = SparkSession.builder()
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
    System.out.printf("spam: %d rows, mean non-zeros per row at %d bits: %.1f%n",
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
    List<Double> labels = fashion.javaRDD().map(row -> {
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
    }).collect();
    double jobSeconds = (System.nanoTime() - start) / 1e9 - loadSeconds;
    System.out.printf("fashion_footwear: %d rows in %d slices, read %.2f s, one pass %.2f s%n",
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
        assertThat(labels.get(i)).as("label of image %d (class %d)", i, classes[i])
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
    Files.copy(fashionFile("train-labels-idx1-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"));
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    Files.write(images, Files.readAllBytes(fashionFile("t10k-labels-idx1-ubyte.gz")));
    String previous = System.setProperty(DataDir.PROPERTY, root.toString());
    try {
      assertThatThrownBy(() -> BuiltinDatasets.fashionFootwear(spark))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("Invalid Fashion-MNIST file " + images
              + ": magic number is 2049 (0x00000801), expected 2051");
      Files.delete(images);
      assertThatThrownBy(() -> BuiltinDatasets.load(spark, "fashion_footwear"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("Missing built-in data: " + images + " does not exist");
    } finally {
      if (previous == null) {
        System.clearProperty(DataDir.PROPERTY);
      } else {
        System.setProperty(DataDir.PROPERTY, previous);
      }
    }
  }

  @Test
  void load_dispatchesByName() {
    assertThat(BuiltinDatasets.names())
        .containsExactly("heart_scale", "spam", "fashion_footwear", "fashion_footwear_test");
    assertThat(BuiltinDatasets.load(spark, "heart_scale").count()).isEqualTo(270);
    assertThat(BuiltinDatasets.load(spark, "fashion_footwear_test").count()).isEqualTo(10_000);
  }

  @Test
  void load_unknownName_throwsListingValidNames() {
    assertThatThrownBy(() -> BuiltinDatasets.load(spark, "mnist"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown built-in data set: 'mnist' (expected one of heart_scale, spam,"
            + " fashion_footwear, fashion_footwear_test)");
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
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
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
}
