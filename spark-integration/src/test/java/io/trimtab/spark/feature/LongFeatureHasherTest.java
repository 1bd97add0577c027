package io.trimtab.spark.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.common.hash.Hashing;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LongFeatureHasherTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("LongFeatureHasherTest")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void hash_isMurmur3x64_128_asGuavaComputesIt_forEveryTailLength() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int len = 0; len <= 48; len++) {
      for (int t = 0; t < 20; t++) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
          b[i] = (byte) rnd.nextInt(256);
        }
        assertThat(Murmur3x64.hash(b, 42))
            .as("length " + len)
            .isEqualTo(Hashing.murmur3_128(42).hashBytes(b).asLong());
      }
    }
  }

  @Test
  void collisions_areWhatUniformHashingPredicts_andVanishAt63Bits() {
    int n = 200_000;
    Set<Long> at20 = new HashSet<>();
    Set<Long> at63 = new HashSet<>();
    long max = 0;
    for (int i = 0; i < n; i++) {
      String feature = "user=" + i;
      at20.add(LongFeatureHasher.index(feature, 20));
      long k = LongFeatureHasher.index(feature, 63);
      assertThat(k).isNotNegative();
      at63.add(k);
      max = Math.max(max, k);
    }
    double m = 1 << 20;
    double expected = n - m * (1 - Math.pow(1 - 1 / m, n));
    long collisions = n - at20.size();
    System.out.printf(
        "LongFeatureHasher: %d features into 2^20 indices: %d collisions (uniform hashing: %.0f);"
            + " into 2^63: %d collisions, largest index %d%n",
        n, collisions, expected, n - at63.size(), max);
    // about 17,900 expected, standard deviation about 130
    assertThat((double) collisions).isCloseTo(expected, within(0.05 * expected));
    assertThat(at63).hasSize(n);
    assertThat(max).isGreaterThan(1L << 62);
  }

  @Test
  void transform_hashesStringsBooleansAndNumbers_intoSortedDistinctLongIndices() {
    StructType schema =
        new StructType()
            .add("country", DataTypes.StringType, true)
            .add("mobile", DataTypes.BooleanType, true)
            .add("price", DataTypes.DoubleType, true)
            .add("clicks", DataTypes.IntegerType, true);
    Dataset<Row> df =
        spark.createDataFrame(
            List.of(
                RowFactory.create("fr", true, 2.5, 3), RowFactory.create(null, false, 0.0, null)),
            schema);
    LongFeatureHasher hasher =
        new LongFeatureHasher().setInputCols("country", "mobile", "price", "clicks").setNumBits(63);
    List<Row> out = hasher.transform(df).collectAsList();
    assertThat(hasher.transform(df).columns())
        .containsExactly("country", "mobile", "price", "clicks", "indices", "values");

    List<Long> first = out.get(0).getList(4);
    List<Double> firstValues = out.get(0).getList(5);
    assertThat(first)
        .containsExactlyInAnyOrder(
            LongFeatureHasher.index("country=fr", 63),
            LongFeatureHasher.index("mobile=true", 63),
            LongFeatureHasher.index("price", 63),
            LongFeatureHasher.index("clicks", 63))
        .isSorted();
    assertThat(firstValues.get(first.indexOf(LongFeatureHasher.index("price", 63)))).isEqualTo(2.5);
    assertThat(firstValues.get(first.indexOf(LongFeatureHasher.index("clicks", 63))))
        .isEqualTo(3.0);
    assertThat(firstValues.get(first.indexOf(LongFeatureHasher.index("country=fr", 63))))
        .isEqualTo(1.0);
    // a null and a numeric zero add nothing
    assertThat(out.get(1).<Long>getList(4))
        .containsExactly(LongFeatureHasher.index("mobile=false", 63));

    // one bit: every feature lands on 0 or 1, and the values of a row's collisions add up
    List<Row> oneBit = hasher.setNumBits(1).transform(df.limit(1)).collectAsList();
    List<Long> keys = oneBit.get(0).getList(4);
    List<Double> values = oneBit.get(0).getList(5);
    assertThat(keys).isSorted().doesNotHaveDuplicates().isSubsetOf(0L, 1L);
    assertThat(values.stream().mapToDouble(Double::doubleValue).sum())
        .isEqualTo(1.0 + 1.0 + 2.5 + 3.0);
  }

  @Test
  void badParamsAndColumns_areRefusedNamingThem() {
    assertThatThrownBy(() -> new LongFeatureHasher().setNumBits(64))
        .hasMessageContaining("Invalid numBits: 64 (expected 1 .. 63");
    assertThatThrownBy(() -> new LongFeatureHasher().setNumBits(0))
        .hasMessageContaining("Invalid numBits: 0");
    Dataset<Row> df = spark.range(2).selectExpr("id", "array(id) as tags");
    assertThatThrownBy(() -> new LongFeatureHasher().transform(df))
        .hasMessageContaining("no input columns");
    assertThatThrownBy(() -> new LongFeatureHasher().setInputCols("nope").transform(df))
        .hasMessageContaining("input column 'nope' does not exist (columns: id, tags)");
    assertThatThrownBy(() -> new LongFeatureHasher().setInputCols("tags").transform(df))
        .hasMessageContaining("input column 'tags' is of type array<bigint>");
    assertThatThrownBy(
            () -> new LongFeatureHasher().setInputCols("id").setIndicesCol("tags").transform(df))
        .hasMessageContaining("output column 'tags' exists already");
  }

  @Test
  void savedAndLoaded_keepsItsParams(@TempDir Path dir) throws Exception {
    LongFeatureHasher h =
        new LongFeatureHasher()
            .setInputCols("a", "b")
            .setIndicesCol("i")
            .setValuesCol("v")
            .setNumBits(40);
    String path = dir.resolve("hasher").toString();
    h.write().overwrite().save(path);
    LongFeatureHasher back = LongFeatureHasher.load(path);
    assertThat(back.uid()).isEqualTo(h.uid());
    assertThat(back.getInputCols()).containsExactly("a", "b");
    assertThat(back.getIndicesCol()).isEqualTo("i");
    assertThat(back.getValuesCol()).isEqualTo("v");
    assertThat(back.getNumBits()).isEqualTo(40);
  }
}
