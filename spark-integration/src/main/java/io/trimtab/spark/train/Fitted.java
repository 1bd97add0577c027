package io.trimtab.spark.train;

/**
 * What a fit produced.
 *
 * @param values every key's final values ({@code width} each, key-major)
 * @param numFeatures the features of the data
 * @param width the objective's {@link io.trimtab.spark.objective.Objective#width}
 * @param summary what training did
 */
public record Fitted(double[] values, int numFeatures, int width, FitSummary summary) {}
