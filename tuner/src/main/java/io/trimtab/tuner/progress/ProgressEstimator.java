package io.trimtab.tuner.progress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Predicts how many more iterations a job needs under its current setting, from the loss curve of
 * the segment run under that setting (Liu et al., "Towards Self-Tuning Parameter Servers",
 * 2018/2020, which uses the {@code paper} model; Peng et al., "Optimus", EuroSys 2018, for the
 * {@code optimus} model).
 *
 * <p>Design note. No single curve family fits every workload, so the estimator holds several {@link
 * ProgressModel}s and, unless told which one to use, picks per curve the model with the smallest
 * held-out error: fitted on the first 75% of the points, scored by the RMSE of the predicted loss
 * on the last 25% (extrapolation is what the estimate is used for). For a convergence target, the
 * first converged iteration is found by an exponential search from the last observed iteration
 * followed by bisection over whole iterations; this relies on the relative improvement {@code (l(k
 * - w) - l(k)) / l(k - w)} decreasing in k, which holds for both standard models. The search stops
 * at {@link #HORIZON} iterations past the last one (then the estimate is infinite). Stateless and
 * thread-safe; no I/O.
 *
 * <p>Minimum data: every model needs at least {@value Segments#MIN_POINTS} points per fit, so
 * {@link #estimate} needs at least 4 points and held-out selection needs at least 4 training points
 * plus the held-out ones (5 points at the default 25% holdout); with fewer, selection falls back to
 * the first model that fits.
 */
public final class ProgressEstimator {

  /**
   * Fraction of a curve held out by {@link #estimate(double[], double[], Target)} to pick a model.
   */
  public static final double DEFAULT_HOLDOUT = 0.25;

  /** Iterations past the last observed one beyond which a convergence search gives up. */
  public static final double HORIZON = 1e9;

  private final List<ProgressModel> models;

  /**
   * @param models the candidate models, at least one, with distinct names; the order is the
   *     fallback order when no model can be scored on held-out points
   */
  public ProgressEstimator(List<ProgressModel> models) {
    if (models == null || models.isEmpty()) {
      throw new IllegalArgumentException(
          "A progress estimator needs at least one model (got " + models + ")");
    }
    List<String> names = new ArrayList<>();
    for (ProgressModel m : models) {
      if (names.contains(m.name())) {
        throw new IllegalArgumentException(
            "Duplicate progress model name: '" + m.name() + "' (must be unique)");
      }
      names.add(m.name());
    }
    this.models = List.copyOf(models);
  }

  /** The paper model and the Optimus model, in that order. */
  public static ProgressEstimator standard() {
    return new ProgressEstimator(List.of(ProgressModel.paper(), ProgressModel.optimus()));
  }

  public List<ProgressModel> models() {
    return models;
  }

  /**
   * Held-out error of each model on one curve: each model is fitted on the first points and scored
   * by the root-mean-square error of its predicted loss on the last {@code max(1, round(f n))}
   * points.
   *
   * @param holdoutFraction fraction f of the points held out, in (0, 1)
   * @return model name to RMSE, in model order; NaN for a model that could not be fitted (or for
   *     all when fewer than 4 training points remain)
   * @throws IllegalArgumentException on invalid curves (see {@link ProgressModel#fit}) or fraction
   */
  public Map<String, Double> heldOutErrors(
      double[] iterations, double[] losses, double holdoutFraction) {
    Segments.validate(iterations, losses);
    if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
      throw new IllegalArgumentException(
          "Invalid holdout fraction: " + holdoutFraction + " (must be in (0, 1))");
    }
    int n = iterations.length;
    int test = Math.max(1, (int) Math.round(holdoutFraction * n));
    int train = n - test;
    Map<String, Double> errors = new LinkedHashMap<>();
    for (ProgressModel model : models) {
      double error = Double.NaN;
      if (train >= Segments.MIN_POINTS) {
        double[] trainIterations = Arrays.copyOf(iterations, train);
        double[] trainLosses = Arrays.copyOf(losses, train);
        Optional<ProgressFit> fit = model.fit(trainIterations, trainLosses);
        if (fit.isPresent()) {
          error =
              Segments.rmse(
                  fit.get(),
                  Arrays.copyOfRange(iterations, train, n),
                  Arrays.copyOfRange(losses, train, n));
        }
      }
      errors.put(model.name(), error);
    }
    return errors;
  }

  /**
   * Estimates the remaining iterations with the named model fitted on the whole curve. With a
   * target loss: {@code fit.iterationAt(loss) - last iteration}, at least 0, infinite if the fit
   * never gets there; the estimate's target loss is the target's. For convergence: the first
   * converged iteration found by search (infinite beyond {@link #HORIZON}); the estimate's target
   * loss is the predicted loss there (at {@code last + HORIZON} when infinite).
   *
   * @return the estimate, or empty if the model cannot fit this curve
   * @throws IllegalArgumentException on invalid curves or an unknown model name
   */
  public Optional<Estimate> estimate(
      double[] iterations, double[] losses, Target target, String model) {
    Segments.validate(iterations, losses);
    if (target == null) {
      throw new IllegalArgumentException("An estimate needs a target (got null)");
    }
    ProgressModel chosen =
        models.stream()
            .filter(m -> m.name().equals(model))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Unknown progress model: '"
                            + model
                            + "' (expected one of "
                            + models.stream().map(ProgressModel::name).toList()
                            + ")"));
    return chosen
        .fit(iterations, losses)
        .map(fit -> estimate(fit, iterations[iterations.length - 1], target, model));
  }

  /**
   * Estimates the remaining iterations with the model of smallest held-out error on this curve
   * (holdout {@value #DEFAULT_HOLDOUT}), falling back, in model order, to whichever model fits.
   *
   * @return the estimate, or empty if no model fits
   */
  public Optional<Estimate> estimate(double[] iterations, double[] losses, Target target) {
    Map<String, Double> errors = heldOutErrors(iterations, losses, DEFAULT_HOLDOUT);
    List<String> order = new ArrayList<>(errors.keySet());
    // finite errors first, smallest first; NaN (could not score) last, in model order (stable sort)
    order.sort(
        Comparator.comparingDouble(
            name -> {
              double e = errors.get(name);
              return Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
            }));
    for (String name : order) {
      Optional<Estimate> estimate = estimate(iterations, losses, target, name);
      if (estimate.isPresent()) {
        return estimate;
      }
    }
    return Optional.empty();
  }

  private static Estimate estimate(ProgressFit fit, double last, Target target, String model) {
    if (target.hasLoss()) {
      double remaining = Math.max(0, fit.iterationAt(target.loss()) - last);
      return new Estimate(model, remaining, target.loss(), fit);
    }
    double converged = convergenceIteration(fit, last, target.threshold(), target.window());
    double loss = fit.lossAt(Double.isFinite(converged) ? converged : last + HORIZON);
    return new Estimate(model, converged - last, loss, fit);
  }

  /**
   * The first iteration {@code k >= from}, in whole iterations past {@code from}, at which the
   * fitted relative improvement over {@code window} iterations falls below {@code threshold};
   * {@code Double.POSITIVE_INFINITY} beyond {@link #HORIZON} iterations.
   */
  static double convergenceIteration(ProgressFit fit, double from, double threshold, int window) {
    if (converged(fit, from, threshold, window)) {
      return from;
    }
    long below = 0; // offsets known not converged
    long above = window; // candidate converged offset
    while (!converged(fit, from + above, threshold, window)) {
      if (above > HORIZON) {
        return Double.POSITIVE_INFINITY;
      }
      below = above;
      above *= 2;
    }
    while (above - below > 1) {
      long mid = below + (above - below) / 2;
      if (converged(fit, from + mid, threshold, window)) {
        above = mid;
      } else {
        below = mid;
      }
    }
    return from + above;
  }

  private static boolean converged(ProgressFit fit, double k, double threshold, int window) {
    double before = fit.lossAt(k - window);
    double now = fit.lossAt(k);
    if (Double.isNaN(before) || Double.isNaN(now)) {
      return false; // a curve that cannot say where it is has not shown convergence
    }
    if (!(before > 0)) {
      return true; // the curve has reached zero: nothing left to improve
    }
    return (before - now) / before < threshold;
  }
}
