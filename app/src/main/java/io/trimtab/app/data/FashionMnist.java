package io.trimtab.app.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Reads Fashion-MNIST as the Debian package {@code dataset-fashion-mnist} ships it and {@code
 * bin/fetch-data} copies it: gzipped IDX files, {@code *-images-idx3-ubyte.gz} (magic number
 * {@value #IMAGE_MAGIC}, then the image count, 28 rows, 28 columns, and one unsigned byte per
 * pixel, row by row) and {@code *-labels-idx1-ubyte.gz} (magic number {@value #LABEL_MAGIC}, the
 * label count, one byte per image: the class, 0 to 9). All integers are big-endian.
 *
 * <p>Classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
 * 8 Bag, 9 Ankle boot. Each split has the same number of images of every class.
 *
 * <p>Every malformed file (not gzip, wrong magic number, wrong count or size, cut short, extra
 * bytes, a class outside 0 to 9) gives an {@link IllegalStateException} whose message names the
 * file, says what was expected and what was found, and says how to fetch the file again.
 *
 * <p>Thread safety: stateless.
 */
final class FashionMnist {

  /** Directory of the four files inside the data directory. */
  static final String DIR = "fashion-mnist";

  /** The 60,000 training images. */
  static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";

  /** The classes of the training images. */
  static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";

  /** The 10,000 test images. */
  static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";

  /** The classes of the test images. */
  static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

  /** IDX magic number of an image file: unsigned bytes, 3 dimensions (0x00000803). */
  static final int IMAGE_MAGIC = 2051;

  /** IDX magic number of a label file: unsigned bytes, 1 dimension (0x00000801). */
  static final int LABEL_MAGIC = 2049;

  /** Number of training images (and labels). */
  static final int TRAIN_COUNT = 60_000;

  /** Number of test images (and labels). */
  static final int TEST_COUNT = 10_000;

  /** Rows and columns of an image. */
  static final int SIDE = 28;

  /** Pixels of an image: the feature dimension. */
  static final int PIXELS = SIDE * SIDE;

  /** Number of classes. */
  static final int CLASSES = 10;

  private static final int IMAGE_HEADER_BYTES = 16;
  private static final int LABEL_HEADER_BYTES = 8;

  private FashionMnist() {}

  /**
   * Whether a class is footwear: 5 Sandal, 7 Sneaker or 9 Ankle boot.
   *
   * @param fashionClass a class, 0 to 9
   * @return true for 5, 7 and 9
   */
  static boolean isFootwear(int fashionClass) {
    return fashionClass == 5 || fashionClass == 7 || fashionClass == 9;
  }

  /**
   * Reads an image file and its label file into one record per image: the class in byte 0, then the
   * {@value #PIXELS} pixels (unsigned bytes, row by row) in bytes 1 to 784. These records are what
   * {@link BuiltinDatasets} parallelizes: 785 bytes per image instead of 6 KB as a dense vector of
   * doubles.
   *
   * @param images an {@code *-images-idx3-ubyte.gz} file
   * @param labels the matching {@code *-labels-idx1-ubyte.gz} file
   * @param expectedCount the number of images (and labels) both files must hold
   * @return {@code expectedCount} records of 785 bytes, in file order
   * @throws IllegalStateException if a file is unreadable or malformed
   */
  static List<byte[]> records(Path images, Path labels, int expectedCount) {
    byte[] classes = readLabels(labels, expectedCount);
    byte[][] pixels = readImages(images, expectedCount);
    List<byte[]> records = new ArrayList<>(expectedCount);
    for (int i = 0; i < expectedCount; i++) {
      byte[] record = new byte[1 + PIXELS];
      record[0] = classes[i];
      System.arraycopy(pixels[i], 0, record, 1, PIXELS);
      pixels[i] = null;
      records.add(record);
    }
    return records;
  }

  /**
   * Turns a record of {@link #records} into a row of the binary footwear task: label 1.0 for
   * footwear ({@link #isFootwear}), 0.0 otherwise; features the pixels divided by 255, a dense
   * vector of {@value #PIXELS} values in [0, 1].
   *
   * @param record the class then the 784 pixels
   * @return a row {@code (label double, features vector)}
   */
  static Row footwearRow(byte[] record) {
    return RowFactory.create(isFootwear(record[0]) ? 1.0 : 0.0, pixels(record));
  }

  /**
   * One image as a row of the 10-class task: its class and its pixels scaled to [0, 1].
   *
   * @param record the class then the 784 pixels
   * @return a row {@code (label double 0.0 to 9.0, features vector)}
   */
  static Row classRow(byte[] record) {
    return RowFactory.create((double) record[0], pixels(record));
  }

  private static org.apache.spark.ml.linalg.Vector pixels(byte[] record) {
    double[] values = new double[PIXELS];
    for (int i = 0; i < PIXELS; i++) {
      values[i] = (record[i + 1] & 0xff) / 255.0;
    }
    return Vectors.dense(values);
  }

  /**
   * Reads a label file.
   *
   * @param file an {@code *-labels-idx1-ubyte.gz} file
   * @param expectedCount the number of labels it must hold
   * @return one class (0 to 9) per image
   * @throws IllegalStateException if the file is unreadable or malformed
   */
  static byte[] readLabels(Path file, int expectedCount) {
    long expectedBytes = LABEL_HEADER_BYTES + (long) expectedCount;
    try (DataInputStream in = open(file)) {
      checkMagic(file, in.readInt(), LABEL_MAGIC, "labels: unsigned bytes, 1 dimension");
      checkCount(file, in.readInt(), expectedCount, "labels");
      byte[] labels = new byte[expectedCount];
      readFully(in, labels, file, LABEL_HEADER_BYTES, expectedBytes);
      checkEnd(in, file, expectedBytes);
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0 || labels[i] >= CLASSES) {
          throw invalid(
              file,
              "label "
                  + i
                  + " is "
                  + (labels[i] & 0xff)
                  + ", expected a class from 0 to "
                  + (CLASSES - 1));
        }
      }
      return labels;
    } catch (EOFException e) {
      throw truncated(file, expectedBytes, -1, e);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  /**
   * Reads an image file.
   *
   * @param file an {@code *-images-idx3-ubyte.gz} file of 28x28 images
   * @param expectedCount the number of images it must hold
   * @return one array of {@value #PIXELS} unsigned pixel bytes per image, row by row
   * @throws IllegalStateException if the file is unreadable or malformed
   */
  static byte[][] readImages(Path file, int expectedCount) {
    long expectedBytes = IMAGE_HEADER_BYTES + (long) expectedCount * PIXELS;
    try (DataInputStream in = open(file)) {
      checkMagic(file, in.readInt(), IMAGE_MAGIC, "images: unsigned bytes, 3 dimensions");
      checkCount(file, in.readInt(), expectedCount, "images");
      int rows = in.readInt();
      int cols = in.readInt();
      if (rows != SIDE || cols != SIDE) {
        throw invalid(
            file, "images are " + rows + "x" + cols + " pixels, expected " + SIDE + "x" + SIDE);
      }
      byte[][] images = new byte[expectedCount][];
      long offset = IMAGE_HEADER_BYTES;
      for (int i = 0; i < expectedCount; i++) {
        images[i] = new byte[PIXELS];
        readFully(in, images[i], file, offset, expectedBytes);
        offset += PIXELS;
      }
      checkEnd(in, file, expectedBytes);
      return images;
    } catch (EOFException e) {
      throw truncated(file, expectedBytes, -1, e);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw;
    try {
      raw = Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          "Missing Fashion-MNIST file " + file + "; run bin/fetch-data to fetch it", e);
    }
    try {
      return new DataInputStream(
          new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16));
    } catch (ZipException | EOFException e) {
      raw.close();
      throw invalid(file, "not a gzip file (" + e.getMessage() + ")");
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /**
   * Reads {@code buffer.length} bytes that start at uncompressed offset {@code offset} of a file
   * that should hold {@code expectedBytes} bytes uncompressed.
   */
  private static void readFully(
      InputStream in, byte[] buffer, Path file, long offset, long expectedBytes)
      throws IOException {
    int done = 0;
    try {
      while (done < buffer.length) {
        int read = in.read(buffer, done, buffer.length - done);
        if (read < 0) {
          throw new EOFException();
        }
        done += read;
      }
    } catch (EOFException e) {
      throw truncated(file, expectedBytes, offset + done, e);
    }
  }

  private static void checkMagic(Path file, int found, int expected, String meaning) {
    if (found != expected) {
      throw invalid(
          file,
          "magic number is "
              + found
              + String.format(" (0x%08x)", found)
              + ", expected "
              + expected
              + String.format(" (0x%08x", expected)
              + ", IDX "
              + meaning
              + ")");
    }
  }

  private static void checkCount(Path file, int found, int expected, String what) {
    if (found != expected) {
      throw invalid(file, "header says " + found + " " + what + ", expected " + expected);
    }
  }

  private static void checkEnd(InputStream in, Path file, long expectedBytes) throws IOException {
    if (in.read() >= 0) {
      throw invalid(
          file,
          "more data than the header announces (expected "
              + expectedBytes
              + " bytes uncompressed)");
    }
  }

  private static IllegalStateException truncated(
      Path file, long expectedBytes, long foundBytes, Exception cause) {
    return invalid(
        file,
        "truncated: expected "
            + expectedBytes
            + " bytes uncompressed, "
            + (foundBytes >= 0 ? "the data end after " + foundBytes : "the data end early")
            + (cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""),
        cause);
  }

  private static IllegalStateException invalid(Path file, String problem) {
    return invalid(file, problem, null);
  }

  private static IllegalStateException invalid(Path file, String problem, Throwable cause) {
    return new IllegalStateException(
        "Invalid Fashion-MNIST file "
            + file
            + ": "
            + problem
            + "; delete "
            + file.getParent()
            + " and run bin/fetch-data again",
        cause);
  }

  private static IllegalStateException unreadable(Path file, IOException e) {
    return new IllegalStateException(
        "Cannot read Fashion-MNIST file "
            + file
            + " ("
            + e
            + "); delete "
            + file.getParent()
            + " and run bin/fetch-data again",
        e);
  }
}
