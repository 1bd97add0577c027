package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints on a real multi-process cluster: one application trains and checkpoints, is stopped,
 * and a NEW application (new driver state, new executor JVMs, new shards) resumes from the
 * checkpoint; with BSP and the same seed it ends at the model an uninterrupted run reaches. A model
 * kept on the shards, a stage of a PipelineModel saved by them in the first, is loaded by the
 * shards of the second and scores rows as before.
 */
class CheckpointIT {

  @TempDir Path dir;

  private static PsLogisticRegression trainer() {
    return new PsLogisticRegression()
        .setBatchesPerEpoch(5)
        .setSeed(11)
        .setTuning("off")
        .setStaleness("bsp");
  }

  private static double[] model(PsLogisticRegressionModel m) {
    double[] w = m.weights();
    double[] out = java.util.Arrays.copyOf(w, w.length + 1);
    out[w.length] = m.intercept();
    return out;
  }

  private static List<Double> scores(PipelineModel m, Dataset<Row> data) {
    return m.transform(data)
        .select("probability")
        .as(org.apache.spark.sql.Encoders.DOUBLE())
        .collectAsList();
  }

  @Test
  void aNewApplication_resumesFromTheCheckpoint_andEndsWhereAnUninterruptedRunEnds()
      throws IOException {
    Path ck = dir.resolve("ck");
    double[] uninterrupted;
    double[] atThree;
    List<Double> servedScores;
    String servedPath = dir.resolve("served").toUri().toString();
    SparkSession first =
        ClusterSessions.localCluster("local-cluster[2,1,1024]", "trimtab-checkpoint-it-1");
    try {
      uninterrupted = model(trainer().setEpochs(6).fit(BuiltinDatasets.heartScale(first)));
      atThree =
          model(
              trainer()
                  .setEpochs(3)
                  .setCheckpointDir(ck.toUri().toString())
                  .fit(BuiltinDatasets.heartScale(first)));
      // a model kept on the shards, as a stage of a PipelineModel, saved by them
      PipelineModel served =
          new Pipeline()
              .setStages(new PipelineStage[] {trainer().setEpochs(2).setModelPlacement("shards")})
              .fit(BuiltinDatasets.heartScale(first));
      assertThat(((PsLogisticRegressionModel) served.stages()[0]).onShards()).isTrue();
      served.write().save(servedPath);
      servedScores = scores(served, BuiltinDatasets.heartScale(first));
    } finally {
      first.stop();
    }
    List<String> files;
    try (Stream<Path> s = Files.list(ck)) {
      files = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    // every epoch checkpointed, the newest two kept (spark.trimtab.checkpoint.keep = 2)
    assertThat(files).containsExactly("epoch-000002", "epoch-000003");
    // in each, one part per shard, written by the shard's executor, and the manifest the driver
    // wrote last; no temporary file left (Hadoop's local file system adds a hidden .crc file next
    // to each)
    List<String> inside;
    try (Stream<Path> s = Files.list(ck.resolve("epoch-000003"))) {
      inside = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(inside.stream().filter(f -> !f.startsWith(".")).toList())
        .containsExactly("_manifest", "part-00000", "part-00001");
    assertThat(inside).noneMatch(f -> f.endsWith(".tmp"));

    SparkSession second =
        ClusterSessions.localCluster("local-cluster[2,1,1024]", "trimtab-checkpoint-it-2");
    try {
      PsLogisticRegressionModel resumed =
          trainer()
              .setEpochs(6)
              .setResumeFrom(ck.toString())
              .fit(BuiltinDatasets.heartScale(second));
      assertThat(resumed.epochs()).extracting(m -> m.epoch()).containsExactly(4, 5, 6);
      assertThat(model(resumed))
          .as(
              "resumed vs uninterrupted (BSP sums each clock's pushes in arrival order: "
                  + "equal up to rounding)")
          .containsExactly(uninterrupted, org.assertj.core.data.Offset.offset(1e-12));
      assertThat(model(resumed)).isNotEqualTo(atThree);

      // loaded by the new application's shards into a table that serves it: the same scores
      PipelineModel loaded = PipelineModel.load(servedPath);
      assertThat(((PsLogisticRegressionModel) loaded.stages()[0]).onShards()).isTrue();
      assertThat(scores(loaded, BuiltinDatasets.heartScale(second)))
          .containsExactlyElementsOf(servedScores);

      // resumed with tuning on: the tuner takes the resumed fit's epochs as its own first ones
      PsLogisticRegressionModel tuned =
          new PsLogisticRegression()
              .setBatchesPerEpoch(5)
              .setSeed(11)
              .setEpochs(5)
              .setResumeFrom(ck.toString())
              .fit(BuiltinDatasets.heartScale(second));
      assertThat(tuned.epochs()).extracting(m -> m.epoch()).containsExactly(4, 5);
      assertThat(tuned.tuning()).isPresent();

      // a checkpoint of another model size is refused before training, naming both sizes
      assertThatThrownBy(
              () ->
                  trainer()
                      .setEpochs(6)
                      .setResumeFrom(ck.toString())
                      .fit(BuiltinDatasets.spamAssassin(second, 10)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "Cannot resume from the checkpoint of epoch 3: it holds a model of 13 features, but the data "
                  + "have 1024 (expected the same features as the run that wrote it)");
      assertThatThrownBy(
              () ->
                  trainer()
                      .setResumeFrom(dir.resolve("nothing").toString())
                      .fit(BuiltinDatasets.heartScale(second)))
          .hasMessageStartingWith("No checkpoint at ");
    } finally {
      second.stop();
    }
  }
}
