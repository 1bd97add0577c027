package io.trimtab.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.spark.tune.EpochMetrics;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The Spark ML Params of the logistic regression estimator and model: docs, defaults, checks,
 * copies.
 */
class PsEstimatorParamsTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("label", DataTypes.DoubleType)
          .add("features", SQLDataTypes.VectorType());

  @Test
  void everyParam_hasADoc_andAValidDefault_andShowsInExplainParams() {
    PsLogisticRegression lr = new PsLogisticRegression();
    Param<?>[] params = lr.params();
    assertThat(params)
        .extracting(Param::name)
        .contains(
            "epochs",
            "batchesPerEpoch",
            "numWorkers",
            "numShards",
            "stepSize",
            "regParam",
            "updater",
            "partitioner",
            "seed",
            "staleness",
            "aggregation",
            "tuning",
            "targetLoss",
            "checkpointDir",
            "resumeFrom",
            "labelCol",
            "featuresCol",
            "predictionCol",
            "probabilityCol");
    String explained = lr.explainParams();
    for (Param<?> p : params) {
      assertThat(p.doc()).as(p.name()).isNotBlank();
      assertThat(p.parent()).as(p.name()).isEqualTo(lr.uid());
      assertThat(explained).contains(p.name() + ":");
      if (lr.hasDefault(p)) {
        @SuppressWarnings("unchecked")
        Param<Object> q = (Param<Object>) p;
        assertThat(q.isValid().apply(lr.getDefault(q).get())).as(p.name()).isEqualTo(true);
      }
    }
    // the optional ones have no default: unset means "from the Spark configuration"
    assertThat(lr.getTuning()).isNull();
    assertThat(lr.getCheckpointDir()).isNull();
    assertThat(lr.getResumeFrom()).isNull();
    assertThat(lr.getTargetLoss()).isNaN();
    assertThat(lr.getEpochs()).isEqualTo(10);
    assertThat(lr.getStaleness()).isEqualTo("bsp");
  }

  @Test
  void badValues_areRefusedWhenSet_namingTheValueAndWhatWasExpected() {
    PsLogisticRegression lr = new PsLogisticRegression();
    assertThatThrownBy(() -> lr.setEpochs(0)).hasMessage("Invalid epochs: 0 (must be >= 1)");
    assertThatThrownBy(() -> lr.setBatchesPerEpoch(-2))
        .hasMessage("Invalid batches per epoch: -2 (must be >= 1)");
    assertThatThrownBy(() -> lr.setNumWorkers(-1))
        .hasMessage("Invalid number of workers: -1 (must be >= 0)");
    assertThatThrownBy(() -> lr.setStaleness("ssp:-1"))
        .hasMessageContaining("Invalid staleness bound: -1");
    assertThatThrownBy(() -> lr.setStaleness("eventual"))
        .hasMessageContaining("'eventual'")
        .hasMessageContaining("expected bsp, asp, or ssp:<bound>");
    assertThatThrownBy(() -> lr.setUpdater("adam"))
        .hasMessage("Unknown updater: 'adam' (expected sgd or adagrad)");
    assertThatThrownBy(() -> lr.setPartitioner("modulo"))
        .hasMessageContaining("Unknown partitioner: 'modulo'");
    assertThatThrownBy(() -> lr.setTuning("speed")).hasMessageContaining("speed");
    assertThatThrownBy(() -> lr.setTargetLoss(-1))
        .hasMessage("Invalid target loss: -1.0 (must be a finite number > 0)");
    assertThatThrownBy(() -> lr.setTargetLoss(Double.NaN))
        .hasMessageContaining("Invalid target loss: NaN");
    assertThatThrownBy(() -> lr.setStepSize(0)).hasMessageContaining("0.0");
    assertThatThrownBy(() -> lr.setCheckpointDir(" "))
        .hasMessage("Invalid checkpoint directory: ' ' (expected a path or URI)");
    // through a ParamMap (as CrossValidator gives them), the same check and message
    assertThatThrownBy(() -> ParamMap.empty().put(lr.epochs(), 0))
        .hasMessage("Invalid epochs: 0 (must be >= 1)");
    assertThatThrownBy(() -> lr.setNumFeatures(-1))
        .hasMessageStartingWith("Invalid number of features: -1 (expected 0");
    // nothing was set by the refused calls (4 Params have no default: tuning, checkpointDir,
    // resumeFrom, indicesCol)
    assertThat(lr.extractParamMap().toSeq().size()).isEqualTo(lr.params().length - 4);
    assertThat(lr.getEpochs()).isEqualTo(10);
  }

  @Test
  void copy_keepsTheUidParamsAndHooks_andAppliesTheExtraParams() {
    List<EpochMetrics> seen = new java.util.ArrayList<>();
    PsLogisticRegression lr =
        new PsLogisticRegression()
            .setEpochs(3)
            .setStaleness("ssp:2")
            .setTuning("off")
            .setEpochListener(seen::add);
    PsLogisticRegression copy = lr.copy(new ParamMap().put(lr.stepSize(), 0.5));
    assertThat(copy.uid()).isEqualTo(lr.uid());
    assertThat(copy.getEpochs()).isEqualTo(3);
    assertThat(copy.getStaleness()).isEqualTo("ssp:2");
    assertThat(copy.getTuning()).isEqualTo("off");
    assertThat(copy.getStepSize()).isEqualTo(0.5);
    assertThat(lr.getStepSize()).isEqualTo(0.1);
    copy.hooks().onEpoch().accept(null);
    assertThat(seen).hasSize(1);
  }

  @Test
  void transformSchema_checksTheColumnsAndTheKnobsTogether_beforeAnyJob() {
    assertThat(new PsLogisticRegression().transformSchema(SCHEMA).fieldNames())
        .containsExactly("label", "features", "probability", "prediction");
    assertThatThrownBy(
            () ->
                new PsLogisticRegression()
                    .setStaleness("asp")
                    .setAggregation("driver-tree")
                    .transformSchema(SCHEMA))
        .hasMessageContaining("Driver-side tree aggregation needs BSP");
    assertThatThrownBy(() -> new PsLogisticRegression().setLabelCol("y").transformSchema(SCHEMA))
        .hasMessage("No label column 'y' in the data (columns: [label, features])");
    assertThatThrownBy(
            () -> new PsLogisticRegression().setProbabilityCol("label").transformSchema(SCHEMA))
        .hasMessageContaining("Output column 'label' exists already");
  }

  @Test
  void theModel_sharesTheEstimatorsColumnParams_byName() {
    PsLogisticRegression lr = new PsLogisticRegression();
    PsLogisticRegressionModel m =
        new PsLogisticRegressionModel(new double[] {1, 2}, 0, List.of(), 1, null);
    Set<String> model = Arrays.stream(m.params()).map(Param::name).collect(Collectors.toSet());
    assertThat(model)
        .containsExactlyInAnyOrder(
            "labelCol",
            "featuresCol",
            "indicesCol",
            "valuesCol",
            "predictionCol",
            "probabilityCol");
    assertThat(model).allMatch(lr::hasParam);
    PsLogisticRegressionModel copy = m.copy(new ParamMap().put(m.probabilityCol(), "p"));
    assertThat(copy.uid()).isEqualTo(m.uid());
    assertThat(copy.getProbabilityCol()).isEqualTo("p");
    assertThat(copy.weights()).containsExactly(1, 2);
    assertThat(m.transformSchema(SCHEMA).fieldNames())
        .containsExactly("label", "features", "probability", "prediction");
  }

  @Test
  void longIndices_areReadByLogisticRegression_andRefusedByTheOthersNamingTheColumns() {
    StructType wide =
        new StructType()
            .add("label", DataTypes.DoubleType)
            .add("i", DataTypes.createArrayType(DataTypes.LongType))
            .add("values", DataTypes.createArrayType(DataTypes.DoubleType));
    assertThat(new PsLogisticRegression().setIndicesCol("i").transformSchema(wide).fieldNames())
        .containsExactly("label", "i", "values", "probability", "prediction");
    assertThatThrownBy(() -> new PsSoftmaxRegression().setIndicesCol("i").transformSchema(wide))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "PsSoftmaxRegression reads its features from a vector column (featuresCol), not from"
                + " 64-bit indices (indicesCol 'i' and valuesCol 'values'; expected indicesCol unset:"
                + " PsLogisticRegression reads 64-bit indices)");
    assertThatThrownBy(
            () -> new PsLogisticRegression().setIndicesCol("features").transformSchema(SCHEMA))
        .hasMessageStartingWith("Indices column 'features' has type vector");
  }
}
