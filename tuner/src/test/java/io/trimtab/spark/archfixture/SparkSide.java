package io.trimtab.spark.archfixture;

/**
 * Stands for a spark-integration class that the tuner must not reach: see {@code ArchitectureTest}.
 */
public final class SparkSide {}
