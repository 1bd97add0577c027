package io.trimtab.spark.train;

import java.util.Locale;

/**
 * Where a trained model lives after the fit: gathered into the driver (its weights in the model
 * object, broadcast to score), or kept on the parameter server's shards, each task pulling the keys
 * it scores ({@link io.trimtab.spark.serve.ServedTable}). {@link #AUTO} keeps on the shards a model
 * the driver cannot hold.
 */
public enum ModelPlacement {
  /**
   * On the shards when the driver cannot hold the model and the model can be served; else driver.
   */
  AUTO,
  DRIVER,
  SHARDS;

  /**
   * Parses "auto", "driver" or "shards" (case-insensitive).
   *
   * @throws IllegalArgumentException naming the value and the choices
   */
  public static ModelPlacement parse(String name) {
    String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
    for (ModelPlacement p : values()) {
      if (p.name().equals(n)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "Unknown model placement: '" + name + "' (expected auto, driver or shards)");
  }

  /**
   * Whether a trained model of {@code keys} keys of {@code width} values stays on the shards.
   *
   * @param driverProblem why the driver cannot hold the model, or null if it can
   * @param servable whether this kind of model can be served from the shards
   * @param model the model's kind, for errors
   * @throws IllegalArgumentException if the model must be on the driver and does not fit there, or
   *     must be on the shards and cannot be served from them
   */
  boolean onShards(String driverProblem, boolean servable, String model) {
    if (this == SHARDS && !servable) {
      throw new IllegalArgumentException(
          "Model placement shards is not available for "
              + model
              + " (expected auto or driver; PsLogisticRegression serves its model from the shards)");
    }
    if (driverProblem != null && (this == DRIVER || !servable)) {
      throw new IllegalArgumentException(
          driverProblem
              + (servable
                  ? "; or keep the model on the shards (modelPlacement auto or shards)"
                  : ""));
    }
    return this == SHARDS || (this == AUTO && driverProblem != null);
  }
}
