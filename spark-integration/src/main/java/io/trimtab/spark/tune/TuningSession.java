package io.trimtab.spark.tune;

import io.trimtab.tuner.Decision;
import io.trimtab.tuner.EpochObservation;
import io.trimtab.tuner.PriorObservation;
import io.trimtab.tuner.SearchSpace;
import io.trimtab.tuner.Setting;
import io.trimtab.tuner.Tuner;
import io.trimtab.tuner.TunerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one {@code fit}'s epochs to the {@link Tuner} and applies nothing itself: the trainer asks
 * it for each epoch's setting. Writes the decision log as it goes, and the report and the history
 * at the end. Driver-side; not thread-safe.
 */
public final class TuningSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TuningSession.class);
  private final Tuner tuner;
  private final DecisionLog log;
  private final Path dir;
  private final TuningHistory history;
  private final String historyKey;
  private final String title;
  private final boolean warm;
  private final List<TuningReport.Step> steps = new ArrayList<>();
  private final Decision first;
  private Setting next;
  private double elapsed;
  private double instrumentation;
  private int observed;
  private double targetReached = Double.NaN;

  TuningSession(
      TunerConfig config,
      SearchSpace space,
      Setting defaults,
      Path dir,
      TuningHistory history,
      String historyKey,
      String title) {
    long t0 = System.nanoTime();
    List<PriorObservation> priors = List.of();
    if (history != null) {
      try {
        priors = history.load(historyKey);
      } catch (IllegalStateException e) {
        LOG.warn("{}; starting the tuner cold", e.getMessage());
      }
    }
    this.warm = !priors.isEmpty();
    this.tuner = new Tuner(config, space, defaults, priors);
    this.dir = dir;
    this.history = history;
    this.historyKey = historyKey;
    this.title = title;
    this.log = new DecisionLog(dir.resolve("decisions.jsonl"));
    this.first = tuner.first();
    this.next = first.setting();
    log.write(null, first, 0);
    LOG.info(
        "Trimtab tuner: {} -> {} ({}); decision log {}",
        first.action(),
        first.setting(),
        first.reason(),
        log.file().toAbsolutePath());
    instrumentation += (System.nanoTime() - t0) / 1e9;
  }

  /** Passes the first data cut's time to the tuner (its prior for a new worker count's cost). */
  public void dataCutSeconds(double seconds) {
    tuner.dataCutSeconds(seconds);
  }

  /** The setting the next epoch runs with. */
  public Setting next() {
    return next;
  }

  /** Takes a finished epoch; returns its metrics with the tuner's ETA and decision. */
  public EpochMetrics observe(EpochMetrics m, boolean targetReachedNow) {
    double start = elapsed;
    elapsed += m.switchSeconds() + m.seconds();
    if (targetReachedNow && Double.isNaN(targetReached)) {
      targetReached = elapsed;
    }
    // the tuner counts this fit's epochs from 1 (a fit resumed from a checkpoint starts later)
    EpochObservation o =
        new EpochObservation(++observed, next, m.seconds(), m.switchSeconds(), losses(m));
    Decision d = tuner.observe(o);
    long t0 = System.nanoTime();
    log.write(o, d, elapsed);
    steps.add(new TuningReport.Step(o, start, d));
    if (LOG.isInfoEnabled()) {
      logDecision(m, o, d);
    }
    next = d.setting();
    instrumentation += (System.nanoTime() - t0) / 1e9;
    return m.withTuner(
        new EpochMetrics.TunerNote(
            d.etaSeconds(), d.action() + " " + d.setting(), d.tunerSeconds()));
  }

  private void logDecision(EpochMetrics m, EpochObservation o, Decision d) {
    String note =
        d.action()
            + " "
            + d.setting()
            + (d.action() == Decision.Action.KEEP ? "" : " (" + d.reason() + ")");
    LOG.info(
        String.format(
            Locale.ROOT,
            "Trimtab tuner: epoch %d loss %.5f %s %.4f s/iteration ETA %s; next: %s",
            m.epoch(),
            m.trainLoss(),
            next,
            o.secondsPerIteration(),
            Double.isFinite(d.etaSeconds())
                ? String.format(Locale.ROOT, "%.1f s", d.etaSeconds())
                : "unknown",
            note));
  }

  /** Writes the report and the history; returns what the tuner did. */
  public TuningResult finish() {
    long t0 = System.nanoTime();
    log.close();
    if (history != null && !steps.isEmpty()) {
      try {
        history.save(historyKey, tuner.learned());
      } catch (RuntimeException e) {
        LOG.warn("Could not keep this job's tuning observations: {}", e.getMessage());
      }
    }
    instrumentation += (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    Path report =
        TuningReport.write(
            dir,
            new TuningReport.Summary(
                title,
                steps,
                first,
                elapsed + tuner.tunerSeconds() + instrumentation,
                tuner.tunerSeconds(),
                instrumentation,
                tuner.worstLagSeconds(),
                tuner.guardBudgetSeconds(),
                targetReached));
    double reportSeconds = (System.nanoTime() - t1) / 1e9;
    TuningResult r =
        new TuningResult(
            log.file().toString(),
            report.toString(),
            (int) steps.stream().map(s -> s.observation().setting()).distinct().count(),
            tuner.retunes(),
            steps.isEmpty()
                ? first.setting().toString()
                : steps.get(steps.size() - 1).observation().setting().toString(),
            tuner.tunerSeconds(),
            instrumentation,
            elapsed + tuner.tunerSeconds() + instrumentation,
            tuner.worstLagSeconds(),
            tuner.guardBudgetSeconds(),
            warm);
    LOG.info(
        String.format(
            Locale.ROOT,
            "Trimtab tuner: %d settings tried, %d re-tunes, final %s; own cost %.3f s "
                + "(%.2f%% of %.1f s; the report itself took %.2f s more); worst lag behind the first setting %.2f s "
                + "(guard %.2f s); report %s",
            r.settingsTried(),
            r.retunes(),
            r.finalSetting(),
            r.tunerSeconds() + r.instrumentationSeconds(),
            100 * r.overhead(),
            r.wallSeconds(),
            reportSeconds,
            r.worstLagSeconds(),
            r.guardSeconds(),
            report.toAbsolutePath()));
    return r;
  }

  /**
   * Closes the decision log (after {@link #finish}, or when the fit failed): a log that could not
   * be written is only logged here, where it would otherwise hide the fit's own failure ({@link
   * #finish} throws it).
   */
  @Override
  public void close() {
    try {
      log.close();
    } catch (RuntimeException e) {
      LOG.warn("The tuner's decision log was not fully written: {}", e.getMessage());
    }
  }

  /** The epoch's clock losses, a clock without examples taking the loss of the clock before. */
  private static double[] losses(EpochMetrics m) {
    double[] l = m.clockLosses().clone();
    double last = m.trainLoss();
    for (int i = 0; i < l.length; i++) {
      if (Double.isFinite(l[i])) {
        last = l[i];
      } else {
        l[i] = last;
      }
    }
    return l;
  }
}
