package io.trimtab.tuner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.tuner.progress.Target;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The policy on scripted observation streams ({@link SimulatedJob}). */
class TunerTest {
  private static final double TARGET = 0.3;
  private static final int MAX_EPOCHS = 200;
  private static final Setting DEFAULT = Setting.defaults(2, 2);
  private static final Setting BEST =
      new Setting(StalenessBound.ssp(1), Aggregation.DIRECT, 2, PartitionerKind.RANGE, 2);

  private static SearchSpace space(Set<Knob> knobs) {
    return SearchSpace.of(DEFAULT, knobs, 2, 2, SearchSpace.defaultStaleness());
  }

  private static Tuner tuner(TunerConfig config, List<PriorObservation> history) {
    return new Tuner(config, space(config.knobs()), DEFAULT, history);
  }

  private static TunerConfig config(long seed) {
    return TunerConfig.defaults(Target.loss(TARGET)).withSeed(seed);
  }

  private static SimulatedJob job(
      double timeNoise, double lossNoise, double switchSeconds, long seed) {
    return new SimulatedJob(
        10,
        SimulatedJob::landscapeSpi,
        SimulatedJob::landscapeEfficiency,
        (a, b) -> switchSeconds,
        timeNoise,
        lossNoise,
        seed);
  }

  @Test
  void coldStart_findsTheBestSettingWithinTheTrialBudget_andBeatsTheDefault() {
    int found = 0;
    for (long seed = 1; seed <= 10; seed++) {
      SimulatedJob job = job(0.03, 0.01, 0.05, seed);
      Tuner t = tuner(config(seed), List.of());
      SimulatedJob.Run tuned = job.run(t, TARGET, MAX_EPOCHS);
      SimulatedJob.Run fixed = job(0.03, 0.01, 0.05, seed).run(fixed(DEFAULT), TARGET, MAX_EPOCHS);
      assertThat(tuned.reached).isTrue();
      assertThat(tuned.distinctSettings())
          .as("settings tried, seed " + seed)
          .isLessThanOrEqualTo(8);
      assertThat(tuned.seconds).as("tuned vs default, seed " + seed).isLessThan(fixed.seconds);
      double lastTrue = job.trueSecondsToTarget(tuned.last(), 0, TARGET);
      double bestTrue = job.trueSecondsToTarget(BEST, 0, TARGET);
      if (lastTrue <= 1.2 * bestTrue) {
        found++;
      }
      System.out.printf(
          "seed %d: tuned %.1f s, default %.1f s (%.2fx), final setting %.2fx the best's true time, "
              + "%d settings%n",
          seed,
          tuned.seconds,
          fixed.seconds,
          fixed.seconds / tuned.seconds,
          lastTrue / bestTrue,
          tuned.distinctSettings());
    }
    // 68 candidates, 8 trials: the setting exploited at the end is within 20% of the true best in
    // at least 8 of 10 seeds (measured: 10 of 10, each 1.11x the best's time; every tuned run
    // 1.22-1.36x faster than the default including exploration. Before the staleness screening
    // trials: 8 of 10, 1.23x on average over seeds 1-5)
    assertThat(found).isGreaterThanOrEqualTo(8);
  }

  @Test
  void noisyStream_neverFlapsOnceExploiting() {
    for (long seed = 1; seed <= 5; seed++) {
      SimulatedJob.Run r =
          job(0.10, 0.03, 0.05, seed).run(tuner(config(seed), List.of()), TARGET, MAX_EPOCHS);
      assertThat(r.decisions).extracting(Decision::action).contains(Decision.Action.EXPLOIT);
      assertThat(r.switchesAfter(Decision.Action.EXPLOIT))
          .as("switches after exploiting, seed " + seed)
          .isZero();
    }
  }

  @Test
  void aTrialFasterPerIterationButPredictedSlower_isBracketedByAControlWindowOfTheBestSetting() {
    int controls = 0;
    int seedsWithControl = 0;
    for (long seed = 1; seed <= 10; seed++) {
      SimulatedJob job = job(0.03, 0.01, 0.05, seed);
      SimulatedJob.Run r = job.run(tuner(config(seed), List.of()), TARGET, MAX_EPOCHS);
      java.util.Set<Setting> bracketed = new java.util.HashSet<>();
      for (int i = 1; i < r.decisions.size(); i++) {
        Decision d = r.decisions.get(i);
        Decision before = r.decisions.get(i - 1);
        if (d.action() != Decision.Action.CONTROL || before.action() == Decision.Action.CONTROL) {
          continue;
        }
        controls++;
        if (bracketed.isEmpty()) {
          seedsWithControl++;
        }
        // decisions.get(i) is made after epoch i, which ran under decisions.get(i - 1)'s setting:
        // the trial
        Setting trial = before.setting();
        String where = "control after the trial of " + trial + ", seed " + seed;
        assertThat(d.setting()).as(where).isNotEqualTo(trial);
        assertThat(r.settings.subList(0, i - 1))
            .as("the control setting was measured before the trial: " + where)
            .contains(d.setting());
        // faster per iteration (as measured: with the stream's 3% time noise, an equally fast
        // trial can measure faster) ...
        assertThat(job.secondsPerIteration.applyAsDouble(trial))
            .as("only a trial faster per iteration than the control is bracketed: " + where)
            .isLessThanOrEqualTo(1.1 * job.secondsPerIteration.applyAsDouble(d.setting()));
        // ... but predicted slower: the control runs the best measured setting, which the
        // decision predicts faster than the trial (the control's time includes the switch back)
        Candidate control = measured(d, d.setting());
        Candidate tried = measured(d, trial);
        assertThat(tried.predictedSeconds())
            .as("the trial is predicted slower than the control: " + where)
            .isGreaterThan(control.predictedSeconds() - 0.05);
        assertThat(
                d.candidates().stream()
                    .filter(c -> c.measured() && !c.setting().equals(trial))
                    .mapToDouble(Candidate::predictedSeconds)
                    .min()
                    .orElseThrow())
            .as("the control is the best measured setting other than the trial: " + where)
            .isCloseTo(control.predictedSeconds(), org.assertj.core.data.Offset.offset(0.05));
        assertThat(bracketed.add(trial))
            .as("one control window per trial setting, seed " + seed)
            .isTrue();
        // the control window runs its two epochs (unless the target comes first): the trial falls
        // between two windows of the control setting
        for (int k = i; k < Math.min(i + 2, r.decisions.size()); k++) {
          assertThat(r.decisions.get(k).setting())
              .as(where + ", decision " + k)
              .isEqualTo(d.setting());
          assertThat(r.decisions.get(k).action())
              .as(where + ", decision " + k)
              .isEqualTo(Decision.Action.CONTROL);
        }
      }
    }
    // measured: 12 control windows in 10 of the 10 seeds (after trials of ASP and SSP settings,
    // which run faster per iteration than BSP but make less progress per iteration)
    System.out.println(
        "control windows over 10 seeds: " + controls + " in " + seedsWithControl + " seeds");
    assertThat(seedsWithControl).as("seeds with a control window").isGreaterThanOrEqualTo(8);
  }

  private static Candidate measured(Decision d, Setting s) {
    return d.candidates().stream()
        .filter(c -> c.measured() && c.setting().equals(s))
        .findFirst()
        .orElseThrow(() -> new AssertionError(s + " is not a measured candidate of " + d));
  }

  @Test
  void drift_ofTheChosenSetting_makesItRetune() {
    // the setting an undisturbed run exploits, and when (runs are deterministic per seed)
    SimulatedJob.Run calm =
        job(0.03, 0.01, 0.05, 3).run(tuner(config(3), List.of()), TARGET, MAX_EPOCHS);
    int exploitAt =
        calm.decisions.stream().map(Decision::action).toList().indexOf(Decision.Action.EXPLOIT);
    assertThat(exploitAt).isPositive();
    Setting chosen = calm.decisions.get(exploitAt).setting();
    int onset = exploitAt + 4;
    SimulatedJob job = job(0.03, 0.01, 0.05, 3);
    Tuner t = tuner(config(3), List.of());
    // from then on that setting runs 4x slower (e.g. a competing load on the executors it uses)
    SimulatedJob.Run r =
        job.run(t, TARGET, MAX_EPOCHS, (e, s) -> e >= onset && s.equals(chosen) ? 4.0 : 1.0);
    assertThat(t.retunes()).isGreaterThanOrEqualTo(1);
    int retuneAt =
        r.decisions.stream().map(Decision::action).toList().indexOf(Decision.Action.RETUNE);
    // decisions.get(i) is made after epoch i: two drifted epochs in a row are needed
    assertThat(retuneAt).isBetween(onset + 1, onset + 3);
    assertThat(r.reached).isTrue();
    assertThat(r.last())
        .as("after the drift the tuner leaves the slowed setting")
        .isNotEqualTo(chosen);
  }

  @Test
  void expensiveSwitches_stopExploration() {
    // every switch costs 40 s while the whole job takes about 30 s under the default
    SimulatedJob.Run costly =
        job(0.03, 0.01, 40, 4).run(tuner(config(4), List.of()), TARGET, MAX_EPOCHS);
    SimulatedJob.Run cheap =
        job(0.03, 0.01, 0.05, 4).run(tuner(config(4), List.of()), TARGET, MAX_EPOCHS);
    assertThat(cheap.switches).isGreaterThanOrEqualTo(3);
    // one switch to learn its cost; no further trial once measured
    assertThat(costly.switches).isLessThanOrEqualTo(1);
  }

  @Test
  void slowDataCut_keepsTrialsOnTheSameWorkerCount() {
    int changedWithoutPrior = 0;
    // seeds 1-10: the staleness screening trial often finds a fast setting first, and then no trial
    // changes the worker count even without the prior (measured: 1 of 10 runs does)
    for (long seed = 1; seed <= 10; seed++) {
      SimulatedJob.Run free =
          job(0.03, 0.01, 0.05, seed).run(tuner(config(seed), List.of()), TARGET, MAX_EPOCHS);
      changedWithoutPrior +=
          free.settings.stream().anyMatch(s -> s.workers() != DEFAULT.workers()) ? 1 : 0;
      Tuner t = tuner(config(seed), List.of());
      // the job's first data cut took 60 s: a new worker count would cost about that (the job is
      // ~30 s)
      t.dataCutSeconds(60);
      SimulatedJob.Run r = job(0.03, 0.01, 0.05, seed).run(t, TARGET, MAX_EPOCHS);
      assertThat(r.settings)
          .as("seed %d", seed)
          .allSatisfy(s -> assertThat(s.workers()).isEqualTo(DEFAULT.workers()));
    }
    assertThat(changedWithoutPrior)
        .as("runs that tried another worker count without the prior")
        .isPositive();
    assertThatThrownBy(() -> tuner(config(1), List.of()).dataCutSeconds(-1))
        .hasMessage("Invalid data cut time: -1.0 s (must be finite and >= 0)");
  }

  @Test
  void warmStart_reachesTheBestInFewerTrialsThanCold() {
    SimulatedJob job = job(0.03, 0.01, 0.05, 5);
    Tuner cold = tuner(config(5), List.of());
    SimulatedJob.Run c = job.run(cold, TARGET, MAX_EPOCHS);
    List<PriorObservation> history = cold.learned();
    assertThat(history).isNotEmpty();
    Tuner warm = tuner(config(6), history);
    SimulatedJob.Run w = job(0.03, 0.01, 0.05, 6).run(warm, TARGET, MAX_EPOCHS);
    assertThat(warm.first().reason()).startsWith("warm start");
    assertThat(w.settings.get(0)).as("starts at the cold run's best").isEqualTo(c.last());
    assertThat(job.trueSecondsToTarget(w.last(), 0, TARGET))
        .as("ends at least as well as the cold run")
        .isLessThanOrEqualTo(job.trueSecondsToTarget(c.last(), 0, TARGET));
    assertThat(w.distinctSettings()).isLessThan(c.distinctSettings());
    assertThat(w.firstEpochOf(w.last()))
        .as("epochs until the final setting first runs")
        .isLessThan(c.firstEpochOf(c.last()));
    assertThat(w.seconds).isLessThan(c.seconds);
  }

  @Test
  void guard_boundsTheLagBehindTheDefault_whenTheDefaultIsBest() {
    // every other setting is at least twice as slow as the default
    SimulatedJob job =
        new SimulatedJob(
            10,
            s -> s.equals(DEFAULT) ? 0.05 : 0.10 + 0.05 * s.shards(),
            s -> 1.0,
            (a, b) -> 0.05,
            0.03,
            0.01,
            7);
    Tuner t = tuner(config(7).withGuard(0.1), List.of());
    SimulatedJob.Run tuned = job.run(t, TARGET, MAX_EPOCHS);
    double slowestEpoch = 10 * 0.20;
    assertThat(t.guardBudgetSeconds()).isFinite();
    assertThat(t.worstLagSeconds()).isLessThanOrEqualTo(t.guardBudgetSeconds() + slowestEpoch);
    assertThat(tuned.last()).isEqualTo(DEFAULT);
    double fixed = job.trueSecondsToTarget(DEFAULT, 0, TARGET);
    assertThat(tuned.seconds).isLessThanOrEqualTo(fixed + t.guardBudgetSeconds() + slowestEpoch);
  }

  @Test
  void onAPlateau_aSlowerSettingWhoseLossRises_isNotKept() {
    // issue 18: the loss plateaus and every other setting is twice as slow, its loss rising 2% an
    // epoch under it (a curve none of the tuner's families fits). A setting chosen on the strength
    // of its first epoch was kept to the end while its loss rose
    for (long seed = 1; seed <= 5; seed++) {
      SimulatedJob job =
          new SimulatedJob(
                  10,
                  s -> s.equals(DEFAULT) ? 0.05 : 0.10,
                  s -> 1.0,
                  (a, b) -> 0.05,
                  0.03,
                  0.01,
                  seed)
              .shaped(
                  (loss, s, under) ->
                      Math.max(loss, 0.85) * (s.equals(DEFAULT) ? 1 : 1 + 0.02 * under));
      Tuner t =
          tuner(
              TunerConfig.defaults(Target.convergence(1e-3, 10)).withSeed(seed).withGuard(0.1),
              List.of());
      SimulatedJob.Run run = job.run(t, 0, 60);
      // the last 10 epochs: at most a trial's worth off the default
      long off =
          run.settings.subList(run.settings.size() - 10, run.settings.size()).stream()
              .filter(s -> !s.equals(DEFAULT))
              .count();
      assertThat(off)
          .as("seed %d: epochs of the last 10 not under the default", seed)
          .isLessThanOrEqualTo(2);
    }
  }

  @Test
  void withoutATargetLoss_tunesTowardsConvergence() {
    int faster = 0;
    double tunedTotal = 0;
    double fixedTotal = 0;
    for (long seed = 1; seed <= 5; seed++) {
      TunerConfig c = TunerConfig.defaults(Target.convergence(1e-3, 10)).withSeed(seed);
      SimulatedJob.Run tuned =
          job(0.03, 0.01, 0.05, seed).run(tuner(c, List.of()), TARGET, MAX_EPOCHS);
      SimulatedJob.Run fixed = job(0.03, 0.01, 0.05, seed).run(fixed(DEFAULT), TARGET, MAX_EPOCHS);
      assertThat(tuned.decisions).extracting(Decision::action).contains(Decision.Action.TRIAL);
      faster += tuned.seconds < fixed.seconds ? 1 : 0;
      tunedTotal += tuned.seconds;
      fixedTotal += fixed.seconds;
    }
    System.out.printf(
        "convergence target: tuned faster than the default in %d of 5 seeds, %.1f s vs %.1f s%n",
        faster, tunedTotal, fixedTotal);
    assertThat(faster).isGreaterThanOrEqualTo(3);
    assertThat(tunedTotal).isLessThan(fixedTotal);
  }

  @Test
  void theTarget_isJudgedOnTheEpochsMeanLoss_asTheJobStops() {
    // one hard mini-batch per epoch, at 2.2x the others' loss: the fits drop it as an outlier, so
    // their trend runs below an epoch's mean loss, which is what a Trimtab job stops on
    double target = 0.12;
    Tuner t = tuner(TunerConfig.defaults(Target.loss(target)).withSeed(5), List.of());
    Decision d = t.first();
    int reachedAt = -1;
    for (int e = 1; e <= MAX_EPOCHS && reachedAt < 0; e++) {
      double[] losses = new double[10];
      for (int c = 0; c < 10; c++) {
        double trend = 0.5 * Math.exp(-((e - 1) * 10 + c) / 60.0) + 0.05;
        losses[c] = trend * (c == 3 ? 1.98 : 0.98) * (1 + 0.01 * Math.sin(7.0 * e + c));
      }
      double mean = java.util.Arrays.stream(losses).average().orElseThrow();
      d = t.observe(new EpochObservation(e, d.setting(), 1.0, 0, losses));
      if (mean <= target) {
        reachedAt = e;
        assertThat(d.reason())
            .as("epoch %d, mean loss %.4f", e, mean)
            .isEqualTo("target loss reached");
      } else {
        assertThat(d.reason())
            .as("epoch %d, mean loss %.4f above the target", e, mean)
            .isNotEqualTo("target loss reached");
      }
    }
    assertThat(reachedAt).isPositive();
    // the mean is 1.08x the typical clock's loss, 1.10x the trend without the hard batch (measured:
    // 1.100,
    // reached at epoch 14; judged on the trend as before, the tuner took it as reached at epoch 12)
    System.out.printf(
        java.util.Locale.ROOT,
        "loss scale %.3f, target reached at epoch %d%n",
        t.lossScale(),
        reachedAt);
    assertThat(t.lossScale()).isBetween(1.03, 1.2);
  }

  @Test
  void history_isOnePriorPointPerSetting_averagedOverJobs() {
    Setting other = DEFAULT.withStaleness(StalenessBound.asp());
    List<PriorObservation> kept =
        List.of(
            new PriorObservation(DEFAULT, 0.5, 0.4, 0.1),
            new PriorObservation(other, 0.4, 0.0, 0.05),
            new PriorObservation(DEFAULT, 0.3, 0.2, 0.3),
            new PriorObservation(other, 0.2, 0.1, 0.07),
            new PriorObservation(DEFAULT, 0.1, 0.0, 0.2));
    List<PriorObservation> c = CandidateSearch.condensed(kept);
    assertThat(c).hasSize(2);
    assertThat(c.get(0).setting()).isEqualTo(DEFAULT);
    assertThat(c.get(0).lossLevel()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(c.get(0).relativeScore()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(c.get(0).secondsPerIteration())
        .isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(c.get(1).setting()).isEqualTo(other);
    assertThat(c.get(1).lossLevel()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(c.get(1).relativeScore())
        .isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(c.get(1).secondsPerIteration())
        .isCloseTo(0.06, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void restrictedKnobs_onlyThoseChange() {
    TunerConfig c = config(8).withKnobs(EnumSet.of(Knob.STALENESS));
    SimulatedJob.Run r = job(0.03, 0.01, 0.05, 8).run(tuner(c, List.of()), TARGET, MAX_EPOCHS);
    assertThat(r.settings)
        .allSatisfy(s -> assertThat(s.withStaleness(StalenessBound.bsp())).isEqualTo(DEFAULT));
    assertThat(r.distinctSettings()).isGreaterThan(1);
  }

  @Test
  void tuningOff_keepsTheDefault() {
    Tuner t = tuner(config(9).withKnobs(Set.of()), List.of());
    SimulatedJob.Run r = job(0.03, 0.01, 0.05, 9).run(t, TARGET, MAX_EPOCHS);
    assertThat(r.distinctSettings()).isEqualTo(1);
    assertThat(r.decisions)
        .extracting(Decision::action)
        .contains(Decision.Action.FIXED)
        .isSubsetOf(Decision.Action.FIXED, Decision.Action.KEEP);
  }

  @Test
  void observation_thatDoesNotMatchTheDecision_isRejected() {
    Tuner t = tuner(config(1), List.of());
    assertThatThrownBy(() -> t.observe(new EpochObservation(2, DEFAULT, 1, 0, new double[] {0.5})))
        .hasMessageContaining("Observation of epoch 2")
        .hasMessageContaining("does not match the decision (epoch 1");
  }

  @Test
  void ownCost_isSmallAndMeasured() {
    Tuner t = tuner(config(2), List.of());
    SimulatedJob.Run r = job(0.03, 0.01, 0.05, 2).run(t, TARGET, MAX_EPOCHS);
    assertThat(t.tunerSeconds()).isPositive();
    assertThat(r.decisions.stream().mapToDouble(Decision::tunerSeconds).sum())
        .isCloseTo(t.tunerSeconds(), org.assertj.core.data.Offset.offset(1e-9));
    double slowest = r.decisions.stream().mapToDouble(Decision::tunerSeconds).max().orElseThrow();
    System.out.printf(
        java.util.Locale.ROOT,
        "own cost: %.3f s over %d decisions (slowest %.3f s), job %.1f s%n",
        t.tunerSeconds(),
        r.decisions.size(),
        slowest,
        r.seconds);
    // measured: 0.03 s over 47 decisions in the whole suite, 0.86 s run alone (cold JIT; slowest
    // decision 0.18 s), for a 24 s job; the bounds
    // leave room for a loaded machine
    assertThat(t.tunerSeconds()).as("own cost against the job's time").isLessThan(0.1 * r.seconds);
    assertThat(slowest).as("slowest decision (s)").isLessThan(1.0);
  }

  /** A policy that never switches: the untuned baseline. */
  static TuningPolicy fixed(Setting s) {
    return new TuningPolicy() {
      private int epoch = 1;

      @Override
      public Decision first() {
        return new Decision(
            1, s, Decision.Action.FIXED, "fixed", Double.NaN, Double.NaN, List.of(), 0);
      }

      @Override
      public Decision observe(EpochObservation o) {
        return new Decision(
            ++epoch, s, Decision.Action.FIXED, "fixed", Double.NaN, Double.NaN, List.of(), 0);
      }
    };
  }
}
