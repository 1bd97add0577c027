package io.trimtab.spark.objective;

import java.io.Serializable;

/**
 * One training example in compact form: a 0/1 label and the non-zero features (ascending indices).
 * Immutable by convention: the arrays are not copied.
 */
public record Example(double label, long[] indices, double[] values) implements Serializable {}
