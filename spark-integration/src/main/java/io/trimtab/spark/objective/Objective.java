package io.trimtab.spark.objective;

import java.io.Serializable;

/**
 * What one kind of model computes on the parameter server: how its parameters are laid out in one
 * dense PS table, which keys a mini-batch touches, and the summed loss and gradient of a mini-batch
 * at the values it pulled. Everything else of a fit (epochs, clocks, staleness, aggregation,
 * re-partitioning, tuning, checkpoints) is the same for every model and lives in the training
 * engine ({@code io.trimtab.spark.train}).
 *
 * <p>Layout: the table has {@link #dimension} keys of {@link #width} doubles each. Key {@code i <
 * numFeatures} holds feature i's parameters; the keys from {@code numFeatures} on hold the
 * parameters every example uses (an intercept, hidden-layer biases, output weights). A mini-batch
 * pulls its features' keys, ascending, then {@link #extraKeys}; values and gradients are key-major
 * ({@code width} doubles per key, in the order of {@link MiniBatch#keys}).
 *
 * <p>Implementations are small, immutable and serializable: Spark ships one to every task.
 */
public interface Objective extends Serializable {

  /**
   * Short name of the model, e.g. {@code "logreg"}: in table names, logs and the tuning history's
   * key.
   */
  String name();

  /** Doubles per key. */
  int width();

  /**
   * Keys of the model table for data with {@code numFeatures} features: by default theirs and an
   * intercept key.
   */
  default long dimension(long numFeatures) {
    return numFeatures + 1L;
  }

  /**
   * The keys after the features', ascending, that every non-empty mini-batch pulls (and pushes): by
   * default the intercept key, {@code numFeatures}.
   */
  default long[] extraKeys(long numFeatures) {
    return new long[] {numFeatures};
  }

  /**
   * Null if {@code label} is one this model trains on, else what it expects (e.g. "expected 0 or
   * 1").
   */
  String labelProblem(double label);

  /**
   * Adds the batch's summed loss gradient to {@code grad} (laid out as {@code w}: the batch's keys,
   * {@code width} each) and returns its summed loss. Called once per clock per worker, on the task
   * thread.
   */
  double gradient(MiniBatch batch, double[] w, double[] grad);

  /**
   * Whether {@link #initialValues} gives values (for every key) rather than null; known without
   * allocating them.
   */
  default boolean startsFromValues() {
    return false;
  }

  /**
   * The model's starting values, {@code dimension x width} doubles key-major, or null for all zeros
   * (models whose gradient at zero vanishes for some parameters, such as factor vectors and hidden
   * units, start from small random values drawn from {@code seed}).
   */
  default double[] initialValues(int numFeatures, long seed) {
    return null;
  }

  /** One line for the tuning log, e.g. "Logistic regression, 262144 features". */
  String describe(long numFeatures);

  /**
   * Whether this model trains on 64-bit feature indices (an indices and a values column) besides
   * Spark ML vectors: a model whose keys are only its features' and a few of its own.
   */
  default boolean readsLongIndices() {
    return false;
  }
}
