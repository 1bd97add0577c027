package io.trimtab.tuner.archfixture;

import io.trimtab.spark.archfixture.SparkSide;

/** Breaks the no-Spark rule on purpose: see {@code ArchitectureTest}. */
public final class UsesSpark {
  public SparkSide side() {
    return new SparkSide();
  }
}
