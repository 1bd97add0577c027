package io.trimtab.spark.train;

import io.trimtab.ps.PsException;
import io.trimtab.ps.TableSnapshot;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.checkpoint.Checkpoints;
import io.trimtab.spark.plugin.ShardRegistration;
import io.trimtab.spark.plugin.TrimtabMetrics;
import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.spark.tune.TuningResult;
import io.trimtab.spark.tune.TuningSession;
import io.trimtab.tuner.Setting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epochs of one fit: each epoch's setting from the tuner, a schedule or the last one, the
 * switch to it, the epoch itself, the hooks and the checkpoint after it; and, when a shard is lost,
 * the recovery from the last checkpoint, after which the epochs since run again. Driver-side; one
 * instance per fit; not thread-safe.
 */
final class FitLoop {
  /** Recoveries from lost shards a fit attempts before it gives up. */
  private static final int MAX_RECOVERIES = 3;

  private static final Logger LOG = LoggerFactory.getLogger(FitLoop.class);

  private final ParameterServer ps;
  private final TrainingRun run;
  private final int epochs;
  private final double target;
  private final TuningSession session;
  private final TrainingHooks hooks;
  private final Checkpointer checkpoints;
  private final double dataCutSeconds;
  private final List<EpochMetrics> history = new ArrayList<>();
  private final List<String> recoveries = new ArrayList<>();
  private long replayedClocks;

  /**
   * @param epochs the last epoch
   * @param target the training loss that ends training (NaN: none)
   * @param session the tuner's session, or null when untuned
   * @param dataCutSeconds how long the data cut before the first epoch took
   */
  FitLoop(
      ParameterServer ps,
      TrainingRun run,
      int epochs,
      double target,
      TuningSession session,
      TrainingHooks hooks,
      Checkpointer checkpoints,
      double dataCutSeconds) {
    this.ps = ps;
    this.run = run;
    this.epochs = epochs;
    this.target = target;
    this.session = session;
    this.hooks = hooks;
    this.checkpoints = checkpoints;
    this.dataCutSeconds = dataCutSeconds;
  }

  /**
   * Runs epochs {@code firstEpoch} to the last (or until the target or the stop condition is met)
   * and says what they did.
   *
   * @throws ShardLostException if a shard was lost and the fit could not recover
   */
  FitSummary run(int firstEpoch) {
    int e = firstEpoch;
    while (e <= epochs) {
      boolean last;
      try {
        last = epoch(e);
      } catch (ShardLostException | PsException failed) {
        // an epoch, a switch, a snapshot or a checkpoint that reached a shard whose executor is
        // gone: continue after the last checkpoint
        e = recover(failed, e) + 1;
        continue;
      }
      if (last) {
        break;
      }
      e++;
    }
    long repeated = run.repeatedPushes();
    if (repeated > 0) {
      LOG.info(
          "Trimtab: {} repeated pushes from retried or speculative task attempts were dropped by the shards "
              + "(each worker's update of a clock is applied once)",
          repeated);
    }
    TuningResult tuned = session != null ? session.finish() : null;
    return new FitSummary(
        history,
        run.rows(),
        tuned,
        repeated,
        replayedClocks,
        recoveries,
        dataCutSeconds,
        checkpoints.writeSeconds());
  }

  /** Runs epoch {@code e}; returns whether it is the last one. */
  private boolean epoch(int e) {
    Setting from = run.setting();
    Setting next =
        session != null
            ? session.next()
            : hooks.schedule() != null
                ? hooks.schedule().next(e, from, List.copyOf(history))
                : from;
    TableSnapshot before =
        hooks.switchListener() != null && !next.equals(from) ? run.snapshot() : null;
    double switchSeconds = run.switchTo(next);
    if (before != null) {
      hooks.switchListener().switched(e, from, next, before, run.snapshot(), switchSeconds);
    }
    EpochMetrics m = run.runEpoch(e, switchSeconds);
    boolean reached = m.trainLoss() <= target;
    if (session != null) {
      m = session.observe(m, reached);
    }
    history.add(m);
    TrimtabMetrics.epoch(
        m.epoch(),
        m.trainLoss(),
        m.seconds(),
        m.examplesPerSecond(),
        m.etaSeconds(),
        m.setting().toString(),
        history.stream().mapToDouble(EpochMetrics::tunerSeconds).sum());
    hooks.onEpoch().accept(m);
    boolean last = reached || hooks.stopWhen().test(List.copyOf(history)) || e == epochs;
    checkpoints.afterEpoch(e, last, run);
    return last;
  }

  /**
   * Recovers from a lost shard in epoch {@code e}: the shards as they are now, the model as of the
   * last checkpoint.
   *
   * @return the epoch of that checkpoint, after which training continues
   * @throws ShardLostException if no checkpoint was written or the recoveries are used up
   */
  private int recover(RuntimeException failed, int e) {
    String lost =
        failed instanceof ShardLostException
            ? failed.getMessage()
            : ps.lostShards(run.table(), Duration.ofSeconds(10)).orElseThrow(() -> failed);
    Throwable cause = failed instanceof ShardLostException ? failed.getCause() : failed;
    if (!checkpoints.hasWritten() || recoveries.size() >= MAX_RECOVERIES) {
      throw stopped(
          lost + (recoveries.isEmpty() ? "" : " (after " + recoveries.size() + " recoveries)"),
          cause,
          e);
    }
    long t0 = System.nanoTime();
    List<ShardRegistration> added = ps.recover(ps.conf().registrationTimeout());
    Checkpoints.Stored restored = checkpoints.readLast();
    long replayed = run.recover(restored);
    replayedClocks += replayed;
    int resumeAt = checkpoints.lastWrittenEpoch();
    history.removeIf(h -> h.epoch() > resumeAt);
    String note =
        String.format(
            Locale.ROOT,
            "%s. Recovered in %.1f s: the model of epoch %d (clock %d) from %s "
                + "on %d shards (%d new: %s); replaying %d clocks (epochs %d-%d)",
            lost,
            (System.nanoTime() - t0) / 1e9,
            resumeAt,
            restored.manifest().clock(),
            checkpoints.lastWritten(),
            ps.numShards(),
            added.size(),
            added.stream()
                .map(r -> "executor " + r.executorId() + " at " + r.host() + ":" + r.port())
                .toList(),
            replayed,
            resumeAt + 1,
            e);
    LOG.warn("Trimtab: {}", note);
    recoveries.add(note);
    return resumeAt;
  }

  /**
   * The error that ends a fit whose shard was lost in epoch {@code epoch}, with where to resume
   * from.
   */
  private ShardLostException stopped(String lost, Throwable cause, int epoch) {
    return new ShardLostException(
        lost
            + "; the fit stopped in epoch "
            + epoch
            + ". "
            + (checkpoints.hasWritten()
                ? "Resume from the last checkpoint, "
                    + checkpoints.lastWritten()
                    + " (epoch "
                    + checkpoints.lastWrittenEpoch()
                    + "), with setResumeFrom "
                    + "or --resume-from"
                : "No checkpoint was written: set spark.trimtab.checkpoint.dir (or setCheckpointDir) to make a fit resumable"),
        cause);
  }
}
