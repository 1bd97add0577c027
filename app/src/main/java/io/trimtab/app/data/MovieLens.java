package io.trimtab.app.data;

import static org.apache.spark.sql.functions.col;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reading and encoding of the MovieLens ratings behind {@link BuiltinDatasets#movieLens} and {@link
 * BuiltinDatasets#movieLensOneHot} (documented there). Stateless.
 */
final class MovieLens {
  private MovieLens() {}

  /** The ratings file {@code fileName} of the data directory, its first line checked. */
  static Dataset<Row> ratings(SparkSession spark, String fileName, String expectedHeader) {
    Path file = DataDir.require(fileName);
    String header;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      header = reader.readLine();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot read the MovieLens ratings "
              + file
              + ": "
              + e
              + ". Delete "
              + file.getParent()
              + " and run bin/fetch-data again.",
          e);
    }
    if (!expectedHeader.equals(header)) {
      throw new IllegalStateException(
          "Invalid MovieLens ratings "
              + file
              + ": first line is "
              + (header == null ? "missing (empty file)" : "'" + header + "'")
              + ", expected '"
              + expectedHeader
              + "'. Delete "
              + file.getParent()
              + " and run bin/fetch-data again.");
    }
    return spark
        .read()
        .schema(schema())
        .option("header", "true")
        .option("mode", "FAILFAST")
        .csv(file.toUri().toString());
  }

  /** One-hot user and movie features over {@code ratings}, with the rating as label. */
  static Dataset<Row> oneHot(Dataset<Row> ratings) {
    org.apache.spark.ml.PipelineModel encode =
        new org.apache.spark.ml.Pipeline()
            .setStages(
                new org.apache.spark.ml.PipelineStage[] {
                  new org.apache.spark.ml.feature.StringIndexer()
                      .setInputCols(new String[] {"userId", "movieId"})
                      .setOutputCols(new String[] {"userIndex", "movieIndex"}),
                  new org.apache.spark.ml.feature.OneHotEncoder()
                      .setInputCols(new String[] {"userIndex", "movieIndex"})
                      .setOutputCols(new String[] {"userVector", "movieVector"})
                      .setDropLast(false),
                  new org.apache.spark.ml.feature.VectorAssembler()
                      .setInputCols(new String[] {"userVector", "movieVector"})
                      .setOutputCol("features")
                })
            .fit(ratings);
    return encode
        .transform(ratings)
        .select(col("rating").as("label"), col("features"), col("userId"), col("movieId"));
  }

  /** The columns of {@link BuiltinDatasets#movieLens}, in file order. */
  static StructType schema() {
    return new StructType()
        .add("userId", DataTypes.IntegerType, false)
        .add("movieId", DataTypes.IntegerType, false)
        .add("rating", DataTypes.DoubleType, false)
        .add("timestamp", DataTypes.LongType, false);
  }
}
