package io.trimtab.app.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checked LibSVM reader: Spark's libsvm source on good files, a named line on bad ones. */
class LibSvmTest {

  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("LibSvmTest")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  private Path file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void goodFile_readsAsSparksLibsvmSourceDoes() throws IOException {
    // (Spark's source takes whole-line comments and blank lines, not trailing comments)
    Path p = file("good.txt", "1 1:0.5 3:2\n# a comment line\n\n-1 2:1.5\n+1 4:-3e-2 5:7\n0\n");
    LibSvm.Result r = LibSvm.read(spark, p.toString(), 0, false);
    List<Row> ours = sorted(r.data().collectAsList());
    List<Row> spark =
        sorted(LibSvmTest.spark.read().format("libsvm").load(p.toString()).collectAsList());
    assertThat(r.numFeatures()).isEqualTo(5);
    assertThat(r.rows()).isEqualTo(4);
    assertThat(r.skipped()).isZero();
    assertThat(ours).hasSameSizeAs(spark);
    for (int i = 0; i < ours.size(); i++) {
      assertThat(ours.get(i).getDouble(0)).isEqualTo(spark.get(i).getDouble(0));
      assertThat(((Vector) ours.get(i).get(1)).toSparse())
          .isEqualTo(((Vector) spark.get(i).get(1)).toSparse());
    }
  }

  @Test
  void indicesPastAVectorsSize_comeAs64BitIndicesAndValues() throws IOException {
    // the index a vector cannot hold, from issue 17: 99999999999 (1-based)
    LibSvm.Result r =
        LibSvm.read(spark, file("wide.txt", "1 5:1 99999999999:0.5\n0 3:2\n").toString(), 0, false);
    assertThat(r.longIndices()).isTrue();
    assertThat(r.numFeatures()).isEqualTo(99_999_999_999L);
    assertThat(r.data().columns()).containsExactly("label", "indices", "values");
    List<Row> rows = sorted(r.data().collectAsList());
    assertThat(rows.get(0).getList(1)).containsExactly(2L);
    assertThat(rows.get(1).getList(1)).containsExactly(4L, 99_999_999_998L);
    assertThat(rows.get(1).getList(2)).containsExactly(1.0, 0.5);
    // a vector's largest size stays a vector
    LibSvm.Result v = LibSvm.read(spark, file("v.txt", "1 2147483646:1\n").toString(), 0, false);
    assertThat(v.longIndices()).isFalse();
    assertThat(v.numFeatures()).isEqualTo(Integer.MAX_VALUE - 1);
    assertThatThrownBy(
            () ->
                LibSvm.read(
                    spark, file("max.txt", "1 9223372036854775807:1\n").toString(), 0, false))
        .hasMessageContaining(
            "feature index 9223372036854775807 is too large; expected at most 9223372036854775806");
    assertThatThrownBy(
            () ->
                LibSvm.read(
                    spark, file("huge.txt", "1 99999999999999999999:1\n").toString(), 0, false))
        .hasMessageContaining("is not an integer below 2^63");
  }

  @Test
  void trailingComments_areIgnored() throws IOException {
    LibSvm.Result r =
        LibSvm.read(spark, file("c.txt", "1 1:2 # why\n0 2:1#x\n").toString(), 0, false);
    assertThat(r.rows()).isEqualTo(2);
    assertThat(r.numFeatures()).isEqualTo(2);
  }

  @Test
  void givenNumFeatures_setsTheVectorSize() throws IOException {
    LibSvm.Result r = LibSvm.read(spark, file("n.txt", "1 1:1\n0 2:1\n").toString(), 10, false);
    assertThat(r.numFeatures()).isEqualTo(10);
    assertThat(r.data().collectAsList())
        .allSatisfy(row -> assertThat(((Vector) row.get(1)).size()).isEqualTo(10));
  }

  @Test
  void malformedLine_failsNamingTheFileOffsetLineAndWhatWasExpected() throws IOException {
    Path p = file("bad.txt", "1 1:0.5\n0 2:x\n1 3:1\n");
    assertThatThrownBy(() -> LibSvm.read(spark, p.toString(), 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Malformed LibSVM line in ")
        .hasMessageContaining(
            "bad.txt at byte offset 8: '0 2:x' (value 'x' of feature 2 is not a number)");
  }

  @Test
  void everyKindOfBadLine_hasItsOwnReason() {
    assertThat(LibSvm.parseLine("spam 1:1", 0).error())
        .isEqualTo("label 'spam' is not a number; expected 'label index:value ...'");
    assertThat(LibSvm.parseLine("NaN 1:1", 0).error())
        .isEqualTo("label NaN is not finite; expected a finite number");
    assertThat(LibSvm.parseLine("Infinity 1:1", 0).error())
        .isEqualTo("label Infinity is not finite; expected a finite number");
    assertThat(LibSvm.parseLine("1 1:NaN", 0).error())
        .isEqualTo("value NaN of feature 1 is not finite; expected a finite number");
    assertThat(LibSvm.parseLine("1 1:-Infinity", 0).error())
        .isEqualTo("value -Infinity of feature 1 is not finite; expected a finite number");
    assertThat(LibSvm.parseLine("1 0:1", 0).error())
        .isEqualTo("feature index 0 is not positive; expected 1-based indices (>= 1)");
    assertThat(LibSvm.parseLine("1 -3:1", 0).error())
        .isEqualTo("feature index -3 is not positive; expected 1-based indices (>= 1)");
    assertThat(LibSvm.parseLine("1 x:1", 0).error())
        .isEqualTo("feature index 'x' is not an integer below 2^63; expected 1-based indices");
    assertThat(LibSvm.parseLine("1 3:1 2:1", 0).error())
        .isEqualTo("feature index 2 after 3; expected strictly ascending indices");
    assertThat(LibSvm.parseLine("1 2:1 2:1", 0).error())
        .isEqualTo("feature index 2 after 2; expected strictly ascending indices");
    assertThat(LibSvm.parseLine("1 11:1", 10).error())
        .isEqualTo("feature index 11 is beyond the 10 features given; expected 1 .. 10");
    assertThat(LibSvm.parseLine("1 3", 0).error()).isEqualTo("feature '3' is not index:value");
    assertThat(LibSvm.parseLine("1 3:", 0).error()).isEqualTo("feature '3:' is not index:value");
    // past a vector's indices: read as a 64-bit index (see indicesPastAVectorsSize_...)
    assertThat(LibSvm.parseLine("1 99999999999:1", 0).error()).isNull();
    assertThat(LibSvm.parseLine("   # only a comment", 0)).isNull();
    LibSvm.Line ok = LibSvm.parseLine("-1 2:0.5 7:1e3", 0);
    assertThat(ok.error()).isNull();
    assertThat(ok.label()).isEqualTo(-1.0);
    assertThat(ok.indices()).containsExactly(1, 6);
    assertThat(ok.values()).containsExactly(0.5, 1000.0);
  }

  @Test
  void skipMalformed_countsTheSkippedLinesAndKeepsTheFirstFew() throws IOException {
    Path p = file("some-bad.txt", "1 1:1\n0 0:1\nx 1:1\n1 2:1 1:1\n0 1:NaN\n1 3:2\n");
    LibSvm.Result r = LibSvm.read(spark, p.toString(), 0, true);
    assertThat(r.rows()).isEqualTo(2);
    assertThat(r.skipped()).isEqualTo(4);
    assertThat(r.data().count()).isEqualTo(2);
    assertThat(r.numFeatures()).isEqualTo(3);
    assertThat(r.firstSkipped())
        .hasSize(3)
        .allSatisfy(
            s ->
                assertThat(s)
                    .startsWith("Malformed LibSVM line in ")
                    .contains("some-bad.txt at byte offset "));
  }

  @Test
  void noExampleAtAll_isAnError() throws IOException {
    Path empty = file("empty.txt", "# nothing here\n\n");
    assertThatThrownBy(() -> LibSvm.read(spark, empty.toString(), 0, false))
        .hasMessage(
            "No example in "
                + empty
                + " (0 malformed lines skipped; expected lines 'label index:value ...')");
    Path allBad = file("all-bad.txt", "a\nb\n");
    assertThatThrownBy(() -> LibSvm.read(spark, allBad.toString(), 0, true))
        .hasMessage(
            "No example in "
                + allBad
                + " (2 malformed lines skipped; expected lines 'label index:value ...')");
  }

  @Test
  void negativeNumFeatures_isRejected() {
    assertThatThrownBy(() -> LibSvm.read(spark, "whatever", -1, false))
        .hasMessage(
            "Invalid number of features: -1 (expected 0 to infer it, or 1 .. 9223372036854775806)");
  }

  private static List<Row> sorted(List<Row> rows) {
    return rows.stream().sorted(Comparator.comparing(Row::toString)).toList();
  }
}
