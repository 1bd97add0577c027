package io.trimtab.spark.ml;

import io.trimtab.spark.Trimtab;
import io.trimtab.spark.checkpoint.Checkpoints;
import io.trimtab.spark.serve.ServedTable;
import io.trimtab.spark.train.FitSummary;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * Saving and loading of every {@link PsModel}, as MLlib saves its models: the Params as Spark's
 * metadata JSON under {@code path/metadata}, the values as one Parquet row under {@code path/data}
 * (features, width, values, training rows, keys; models saved with an int features count load too).
 * A model kept on the shards has no values there: its shards write the table under {@code
 * path/table} (parts and manifest, the checkpoint format), and loading has the shards of the new
 * application read it into a table that serves the model. The training history is not saved: a
 * loaded model has none.
 */
final class PsModelIo {
  /** Where a saved model kept on the shards has its table. */
  private static final String TABLE = "table";

  private PsModelIo() {}

  static final class Writer extends MLWriter {
    private final PsModel<?> model;

    Writer(PsModel<?> model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(model, path, sc(), Option.empty(), Option.empty());
      StructType schema =
          new StructType()
              .add("numFeatures", DataTypes.LongType)
              .add("width", DataTypes.IntegerType)
              .add("values", new VectorUDT(), true)
              .add("trainingRows", DataTypes.LongType)
              .add("keys", DataTypes.LongType);
      ServedTable served = model.served();
      Row row =
          RowFactory.create(
              model.numFeatures(),
              model.width(),
              served == null ? Vectors.dense(model.values()) : null,
              model.trainingRows(),
              model.keys());
      if (served != null) {
        // the shards write the table themselves, in parts, with a manifest: as a checkpoint
        served.save(
            Trimtab.parameterServer(sparkSession()),
            path + "/" + TABLE,
            sc().hadoopConfiguration());
      }
      sparkSession()
          .createDataFrame(List.of(row), schema)
          .repartition(1)
          .write()
          .parquet(path + "/data");
    }
  }

  /** Reads a model of class {@code type} saved by {@link #write}. */
  static final class Reader<M extends PsModel<M>> extends MLReader<M> {
    private final Class<M> type;
    private final PsModel.Factory<M> factory;

    Reader(Class<M> type, PsModel.Factory<M> factory) {
      this.type = type;
      this.factory = factory;
    }

    @Override
    public M load(String path) {
      DefaultParamsReader.Metadata metadata =
          DefaultParamsReader.loadMetadata(path, sc(), type.getName());
      Row row =
          sparkSession()
              .read()
              .parquet(path + "/data")
              .select("numFeatures", "width", "values", "trainingRows")
              .head();
      M model;
      if (row.isNullAt(2)) {
        // kept on the shards when saved: the shards read the parts into a table that serves it
        Checkpoints.Stored table = Checkpoints.read(path + "/" + TABLE, sc().hadoopConfiguration());
        long keys = sparkSession().read().parquet(path + "/data").select("keys").head().getLong(0);
        model =
            factory.served(
                metadata.uid(),
                ((Number) row.get(0)).longValue(),
                ServedTable.load(Trimtab.parameterServer(sparkSession()), table, keys),
                FitSummary.loaded(row.getLong(3)));
      } else {
        model =
            factory.make(
                metadata.uid(),
                ((Number) row.get(0)).longValue(),
                row.getInt(1),
                ((Vector) row.get(2)).toArray(),
                FitSummary.loaded(row.getLong(3)));
      }
      metadata.getAndSetParams(model, Option.empty());
      return model;
    }
  }
}
