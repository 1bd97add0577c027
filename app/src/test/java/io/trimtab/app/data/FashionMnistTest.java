package io.trimtab.app.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader on small hand-made files, valid and corrupt; no Spark session, no real data. */
class FashionMnistTest {

  private static final byte[] CLASSES = {9, 0, 5};

  @TempDir Path dir;

  @Test
  void records_putClassThenPixelsInFileOrder() throws IOException {
    Path images = write("images.gz", images(2051, 3, 28, 28, 3 * 784));
    Path labels = write("labels.gz", labels(2049, 3, CLASSES));

    List<byte[]> records = FashionMnist.records(images, labels, 3);

    assertThat(records).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(records.get(i)).hasSize(785);
      assertThat(records.get(i)[0]).isEqualTo(CLASSES[i]);
      assertThat(records.get(i)[1]).isEqualTo(pixel(i * 784));
      assertThat(records.get(i)[784]).isEqualTo(pixel(i * 784 + 783));
    }
  }

  @Test
  void footwearRow_labelsSandalSneakerAnkleBootAndScalesPixels() {
    for (int c = 0; c < 10; c++) {
      byte[] record = new byte[785];
      record[0] = (byte) c;
      double expected = c == 5 || c == 7 || c == 9 ? 1.0 : 0.0;
      assertThat(FashionMnist.footwearRow(record).getDouble(0))
          .as("class %d", c)
          .isEqualTo(expected);
    }
    byte[] record = new byte[785];
    record[1] = (byte) 255;
    record[2] = (byte) 51;
    record[784] = (byte) 128;

    Row row = FashionMnist.footwearRow(record);

    DenseVector features = row.getAs(1);
    assertThat(features.size()).isEqualTo(784);
    assertThat(features.apply(0)).isEqualTo(1.0);
    assertThat(features.apply(1)).isEqualTo(0.2);
    assertThat(features.apply(2)).isEqualTo(0.0);
    assertThat(features.apply(783)).isEqualTo(128 / 255.0);
  }

  @Test
  void readImages_badMagic_namesFileAndExpectedMagic() throws IOException {
    Path file = write("images.gz", images(2049, 3, 28, 28, 3 * 784));

    assertThatThrownBy(() -> FashionMnist.readImages(file, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Invalid Fashion-MNIST file "
                + file
                + ": magic number is 2049"
                + " (0x00000801), expected 2051 (0x00000803, IDX images: unsigned bytes, 3 dimensions)")
        .hasMessageEndingWith("; delete " + dir + " and run bin/fetch-data again");
  }

  @Test
  void readLabels_badMagic_namesFileAndExpectedMagic() throws IOException {
    Path file = write("labels.gz", labels(2051, 3, CLASSES));

    assertThatThrownBy(() -> FashionMnist.readLabels(file, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("magic number is 2051 (0x00000803), expected 2049");
  }

  @Test
  void readImages_truncatedData_saysWhereItEnds() throws IOException {
    Path file = write("images.gz", images(2051, 3, 28, 28, 2 * 784 + 100));

    assertThatThrownBy(() -> FashionMnist.readImages(file, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Invalid Fashion-MNIST file "
                + file
                + ": truncated: expected 2368 bytes uncompressed, the data end after 1684");
  }

  @Test
  void readLabels_truncatedHeader_isTruncated() throws IOException {
    Path file = write("labels.gz", Arrays.copyOf(labels(2049, 3, CLASSES), 6));

    assertThatThrownBy(() -> FashionMnist.readLabels(file, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Invalid Fashion-MNIST file "
                + file
                + ": truncated: expected 11"
                + " bytes uncompressed, the data end early");
  }

  @Test
  void readImages_truncatedGzip_namesFile() throws IOException {
    Path whole = write("whole.gz", images(2051, 3, 28, 28, 3 * 784));
    byte[] gz = Files.readAllBytes(whole);
    Path file = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));

    assertThatThrownBy(() -> FashionMnist.readImages(file, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Invalid Fashion-MNIST file "
                + file
                + ": truncated: expected 2368"
                + " bytes uncompressed");
  }

  @Test
  void readImages_notGzip_namesFile() throws IOException {
    Path file = Files.write(dir.resolve("plain"), images(2051, 3, 28, 28, 3 * 784));

    assertThatThrownBy(() -> FashionMnist.readImages(file, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Invalid Fashion-MNIST file " + file + ": not a gzip file");
  }

  @Test
  void readImages_wrongCountOrShape_isRejected() throws IOException {
    Path five = write("five.gz", images(2051, 5, 28, 28, 5 * 784));
    Path small = write("small.gz", images(2051, 3, 27, 28, 3 * 784));

    assertThatThrownBy(() -> FashionMnist.readImages(five, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Invalid Fashion-MNIST file " + five + ": header says 5 images, expected 3");
    assertThatThrownBy(() -> FashionMnist.readImages(small, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Invalid Fashion-MNIST file " + small + ": images are 27x28 pixels, expected 28x28");
  }

  @Test
  void readLabels_extraBytesOrBadClass_isRejected() throws IOException {
    Path extra = write("extra.gz", labels(2049, 3, new byte[] {9, 0, 5, 1}));
    Path badClass = write("bad.gz", labels(2049, 3, new byte[] {9, 10, 5}));

    assertThatThrownBy(() -> FashionMnist.readLabels(extra, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Invalid Fashion-MNIST file "
                + extra
                + ": more data than the header announces (expected 11 bytes uncompressed)");
    assertThatThrownBy(() -> FashionMnist.readLabels(badClass, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Invalid Fashion-MNIST file "
                + badClass
                + ": label 1 is 10, expected a class from 0 to 9");
  }

  @Test
  void readLabels_missingFile_saysToFetch() {
    Path file = dir.resolve("missing.gz");

    assertThatThrownBy(() -> FashionMnist.readLabels(file, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Missing Fashion-MNIST file " + file + "; run bin/fetch-data to fetch it");
  }

  /** A deterministic pixel value for uncompressed pixel index i. */
  private static byte pixel(int i) {
    return (byte) (i * 37 + 11);
  }

  /** An uncompressed IDX image file with the given header and {@code pixels} pixel bytes. */
  private static byte[] images(int magic, int count, int rows, int cols, int pixels)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    out.writeInt(count);
    out.writeInt(rows);
    out.writeInt(cols);
    for (int i = 0; i < pixels; i++) {
      out.writeByte(pixel(i));
    }
    out.flush();
    return bytes.toByteArray();
  }

  /** An uncompressed IDX label file with the given header and label bytes. */
  private static byte[] labels(int magic, int count, byte[] classes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    out.writeInt(count);
    out.write(classes);
    out.flush();
    return bytes.toByteArray();
  }

  private Path write(String name, byte[] uncompressed) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(uncompressed);
    }
    return file;
  }
}
