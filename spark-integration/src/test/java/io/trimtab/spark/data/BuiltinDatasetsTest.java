package io.trimtab.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
  void load_dispatchesByName() {
    assertThat(BuiltinDatasets.names()).containsExactly("heart_scale", "spam");
    assertThat(BuiltinDatasets.load(spark, "heart_scale").count()).isEqualTo(270);
  }

  @Test
  void load_unknownName_throwsListingValidNames() {
    assertThatThrownBy(() -> BuiltinDatasets.load(spark, "mnist"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown built-in data set: 'mnist' (expected one of heart_scale, spam)");
  }

  @Test
  void spamAssassin_badHashBits_throwsBeforeReading() {
    assertThatThrownBy(() -> BuiltinDatasets.spamAssassin(spark, 31))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid hashBits: 31");
  }

  private static Map<Double, Long> countByLabel(List<Row> rows) {
    Map<Double, Long> counts = new TreeMap<>();
    for (Row row : rows) {
      counts.merge(row.getDouble(row.fieldIndex("label")), 1L, Long::sum);
    }
    return counts;
  }
}
