package io.trimtab.tuner.search;

/**
 * A Gaussian-process posterior at one point.
 *
 * @param mean posterior mean
 * @param sd posterior standard deviation, >= 0 (latent function, without observation noise)
 */
public record Prediction(double mean, double sd) {}
