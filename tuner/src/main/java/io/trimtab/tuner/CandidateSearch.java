package io.trimtab.tuner;

import io.trimtab.tuner.search.ExpectedImprovement;
import io.trimtab.tuner.search.GaussianProcess;
import io.trimtab.tuner.search.Prediction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.stat.StatUtils;

/**
 * The tuner's search step: a Gaussian process over (setting encoding, loss level) fitted to the log
 * predicted times of the measured settings relative to the job's first setting (and to the
 * observations of similar finished jobs), and the expected improvement of every untried setting
 * against the best measured one (Jones et al. 1998; the loss level as an input follows Liu et al.).
 * Package-private; between calls it keeps only the last fitted hyper-parameters.
 */
final class CandidateSearch {
  private static final double MAX_LOG_RATIO = 5;

  /**
   * With fewer GP points than this many per input dimension, prior hyper-parameters are used (see
   * {@link #gp}).
   */
  private static final int POINTS_PER_DIMENSION = 2;

  private static final double PRIOR_LENGTH = 0.5;
  private static final double PRIOR_NOISE = 0.01;
  private static final double PRIOR_SD = 0.5;

  /**
   * Hyper-parameters are re-fitted only once the points have grown by this factor since the last
   * fit; in between the last fit's are reused: a fit of the marginal likelihood can cost a sizeable
   * part of a short job, a GP with given hyper-parameters well under a millisecond
   * (docs/design-notes.md, "Tuner").
   */
  private static final double REFIT_GROWTH = 1.5;

  private final SearchSpace space;
  private final List<PriorObservation> priors;
  private final Setting initial;
  private final long seed;

  /** The last GP whose hyper-parameters were fitted, or null. */
  private GaussianProcess fitted;

  CandidateSearch(SearchSpace space, List<PriorObservation> priors, Setting initial, long seed) {
    this.space = space;
    this.priors = condensed(priors);
    this.initial = initial;
    this.seed = seed;
  }

  /**
   * Weighs every setting: measured ones by their predicted time, the others by the GP's.
   *
   * @param scores predicted seconds to the target of each measured setting, from the current loss
   * @param levels loss level (fraction of the first loss) at which each measured setting was
   *     measured
   * @param level the current loss level
   * @param switchCost seconds to switch from the current setting to a setting
   * @return the candidates, best (smallest predicted time, switch included) first
   */
  List<Candidate> weigh(
      Map<Setting, Double> scores,
      Map<Setting, Double> levels,
      double level,
      ToDoubleFunction<Setting> switchCost) {
    List<Candidate> out = new ArrayList<>();
    scores.forEach(
        (s, r) ->
            out.add(
                new Candidate(s, r + switchCost.applyAsDouble(s), Candidate.Source.MEASURED, 0)));
    double anchor = anchorScore(scores);
    if (Double.isFinite(anchor)) {
      List<double[]> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      scores.forEach(
          (s, r) -> {
            xs.add(input(s, levels.get(s)));
            ys.add(clamp(Math.log(r) - anchor));
          });
      double priorShift = priorShift(scores);
      if (Double.isFinite(priorShift)) {
        for (PriorObservation p : priors) {
          xs.add(input(p.setting(), p.lossLevel()));
          ys.add(clamp(p.relativeScore() - priorShift));
        }
      }
      double bestY =
          ys.subList(0, scores.size()).stream().mapToDouble(Double::doubleValue).min().orElse(0);
      if (xs.size() >= 2) {
        GaussianProcess gp =
            gp(xs.toArray(double[][]::new), ys.stream().mapToDouble(Double::doubleValue).toArray());
        for (Setting s : space.candidates()) {
          if (scores.containsKey(s)) {
            continue;
          }
          Prediction p = gp.predict(input(s, level));
          double ei = ExpectedImprovement.of(p, bestY, 0.0);
          boolean fromHistory = priors.stream().anyMatch(x -> x.setting().equals(s));
          out.add(
              new Candidate(
                  s,
                  Math.exp(anchor + p.mean()) + switchCost.applyAsDouble(s),
                  fromHistory ? Candidate.Source.HISTORY : Candidate.Source.MODEL,
                  ei));
        }
      }
    }
    out.sort(Comparator.comparingDouble(Candidate::predictedSeconds));
    return out;
  }

  /**
   * The GP of log relative times. Hyper-parameters are fitted by maximum marginal likelihood once
   * there are {@value #POINTS_PER_DIMENSION} points per input dimension. With fewer, the likelihood
   * explains the few differences as noise or as one long trend, which makes every untried setting
   * look known (no expected improvement, so exploration stops after a few trials), so the GP uses
   * prior hyper-parameters: length scale {@value #PRIOR_LENGTH} of the unit range, a signal
   * standard deviation of at least {@value #PRIOR_SD} in log time (the recorded grids' settings
   * differ by large factors, while the few settings measured first may happen to be alike) and
   * noise variance {@value #PRIOR_NOISE} (standardized).
   */
  private GaussianProcess gp(double[][] x, double[] y) {
    if (x.length >= POINTS_PER_DIMENSION * x[0].length) {
      if (fitted != null && x.length < REFIT_GROWTH * fitted.size()) {
        return GaussianProcess.withHyperparameters(
            x, y, fitted.lengthScales(), fitted.signalVariance(), fitted.noiseVariance());
      }
      fitted = GaussianProcess.fit(x, y, seed);
      return fitted;
    }
    double[] ls = new double[x[0].length];
    Arrays.fill(ls, PRIOR_LENGTH);
    double sd = Math.sqrt(StatUtils.variance(y));
    double signal = sd > 0 ? Math.max(1, (PRIOR_SD / sd) * (PRIOR_SD / sd)) : 1;
    return GaussianProcess.withHyperparameters(x, y, ls, signal, PRIOR_NOISE);
  }

  /** Log time of the anchor: the first setting if still usable, else the best measured. */
  private double anchorScore(Map<Setting, Double> scores) {
    Double r = scores.get(initial);
    if (r != null && Double.isFinite(r) && r > 0) {
      return Math.log(r);
    }
    return scores.values().stream()
        .filter(x -> Double.isFinite(x) && x > 0)
        .mapToDouble(Math::log)
        .min()
        .orElse(Double.NaN);
  }

  /**
   * Priors are relative to their job's best; shift them to be relative to this job's anchor
   * (initial).
   */
  private double priorShift(Map<Setting, Double> scores) {
    if (priors.isEmpty() || !scores.containsKey(initial)) {
      return Double.NaN;
    }
    return priors.stream()
        .filter(p -> p.setting().equals(initial))
        .mapToDouble(PriorObservation::relativeScore)
        .average()
        .orElse(Double.NaN);
  }

  /**
   * One observation per setting: the mean loss level, relative score and time per iteration of its
   * observations in finished jobs. The history keeps several jobs per key, each with the settings
   * it measured, and the same setting seen in five jobs is one point of the landscape measured five
   * times, not five points (which would also grow the GP with every job).
   */
  static List<PriorObservation> condensed(List<PriorObservation> priors) {
    java.util.Map<Setting, List<PriorObservation>> by = new java.util.LinkedHashMap<>();
    priors.forEach(p -> by.computeIfAbsent(p.setting(), k -> new ArrayList<>()).add(p));
    List<PriorObservation> out = new ArrayList<>();
    by.forEach(
        (s, ps) ->
            out.add(
                new PriorObservation(
                    s,
                    ps.stream().mapToDouble(PriorObservation::lossLevel).average().orElseThrow(),
                    ps.stream()
                        .mapToDouble(PriorObservation::relativeScore)
                        .average()
                        .orElseThrow(),
                    ps.stream()
                        .mapToDouble(PriorObservation::secondsPerIteration)
                        .average()
                        .orElseThrow())));
    return List.copyOf(out);
  }

  private double[] input(Setting s, double level) {
    double[] e = space.encode(s);
    double[] x = Arrays.copyOf(e, e.length + 1);
    x[e.length] = Math.max(0, Math.min(1, level));
    return x;
  }

  private static double clamp(double y) {
    return Math.max(-MAX_LOG_RATIO, Math.min(MAX_LOG_RATIO, Double.isNaN(y) ? MAX_LOG_RATIO : y));
  }
}
