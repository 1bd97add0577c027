package io.trimtab.tuner;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings measured in this job and what each is predicted to take: the iterations from a loss
 * to the target on the whole-job curve ({@link JobCurve}; the segment's own fit before the curve
 * has one) times the setting's median seconds per iteration, and, for the settings not measured,
 * the search's predictions. Package-private, driver-side only; it grows as settings are measured.
 */
final class Scoreboard {
  private static final int REPORTED_MODEL_CANDIDATES = 5;

  private final Map<Setting, Measured> measured = new LinkedHashMap<>();
  private final JobCurve curve;
  private final SwitchCosts costs;
  private final CandidateSearch search;
  private final int maxEpochs;

  Scoreboard(JobCurve curve, SwitchCosts costs, CandidateSearch search, int maxEpochs) {
    this.curve = curve;
    this.costs = costs;
    this.search = search;
    this.maxEpochs = maxEpochs;
  }

  /** The measurements of {@code s}, or null if it never ran. */
  Measured get(Setting s) {
    return measured.get(s);
  }

  /** The measurements of {@code s}, created empty when it runs for the first time. */
  Measured enter(Setting s) {
    return measured.computeIfAbsent(s, Measured::new);
  }

  /** Every measured setting, in the order first measured. */
  Collection<Measured> all() {
    return measured.values();
  }

  int size() {
    return measured.size();
  }

  /**
   * Predicted seconds from {@code loss} to the target under {@code m}'s setting, without switching.
   */
  double remainingSeconds(Measured m, double loss) {
    if (!(m.timedEpochs() > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    double iterations = curve.remainingIterations(m.setting(), loss);
    if (!Double.isNaN(iterations)) {
      return iterations * m.secondsPerIteration();
    }
    if (m.fit() == null) {
      return Double.POSITIVE_INFINITY;
    }
    double at = m.fit().iterationAt(loss);
    if (!Double.isFinite(at) || !Double.isFinite(m.doneIteration())) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.max(0, m.doneIteration() - at) * m.secondsPerIteration();
  }

  /** Predicted seconds to the target of every usable measured setting at {@code loss}. */
  Map<Setting, Double> scores(double loss) {
    Map<Setting, Double> out = new LinkedHashMap<>();
    for (Measured m : measured.values()) {
      if (!m.stale() && m.fit() != null && m.timedEpochs() > 0) {
        out.put(m.setting(), remainingSeconds(m, loss));
      }
    }
    return out;
  }

  /**
   * Predicted seconds to the target under {@code m}, within the epoch budget; NaN while {@code m}
   * is unknown, stale or unfitted.
   */
  double eta(Measured m, JobPosition p) {
    if (m == null || m.stale() || m.fit() == null || m.timedEpochs() == 0) {
      return Double.NaN;
    }
    return Math.min(remainingSeconds(m, p.loss()), horizon(p));
  }

  /** Seconds until the epoch budget ends at the current pace (infinite without a budget). */
  double horizon(JobPosition p) {
    return p.horizon(maxEpochs);
  }

  /**
   * Fitted progress per second of {@code s} (the whole-job curve's rate over its seconds per
   * iteration), NaN if not measured.
   */
  double speed(Setting s) {
    Measured m = measured.get(s);
    return m == null ? Double.NaN : curve.rate(s) / m.secondsPerIteration();
  }

  /** Measured settings with their predicted time, and unmeasured ones with the GP's, best first. */
  List<Candidate> candidates(JobPosition p) {
    double epoch = p.epochSecondsOrZero();
    Map<Setting, Double> scores = scores(p.loss());
    Map<Setting, Double> levels = new LinkedHashMap<>();
    scores.keySet().forEach(x -> levels.put(x, measured.get(x).level()));
    return search.weigh(
        scores, levels, p.loss() / p.firstLoss(), x -> costs.estimate(p.current(), x, epoch));
  }

  /** Candidates the decision log shows: every measured one and the best few of the model. */
  static List<Candidate> reported(List<Candidate> all) {
    List<Candidate> out = new ArrayList<>();
    int model = 0;
    for (Candidate c : all) {
      if (c.measured() || model++ < REPORTED_MODEL_CANDIDATES) {
        out.add(c);
      }
    }
    return out;
  }
}
