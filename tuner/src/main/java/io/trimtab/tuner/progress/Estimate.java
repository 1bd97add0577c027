package io.trimtab.tuner.progress;

/**
 * A progress estimate for one segment of a loss curve.
 *
 * @param model the model the estimate comes from
 * @param remainingIterations predicted iterations from the segment's last point to the target (0 if
 *     reached, {@code Double.POSITIVE_INFINITY} if never)
 * @param targetLoss the loss the remaining iterations lead to (the target, or the predicted loss at
 *     convergence)
 * @param fit the fit used
 */
public record Estimate(
    String model, double remainingIterations, double targetLoss, ProgressFit fit) {}
