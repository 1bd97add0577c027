package io.trimtab.spark.tune;

import io.trimtab.tuner.Decision;
import io.trimtab.tuner.EpochObservation;
import io.trimtab.tuner.PriorObservation;
import io.trimtab.tuner.SearchSpace;
import io.trimtab.tuner.Setting;
import io.trimtab.tuner.Tuner;
import io.trimtab.tuner.TunerConfig;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a throwaway {@link Tuner} through a few made-up epochs on a background thread when a tuned
 * fit starts, so that the first real decisions do not pay for loading and first running the tuner's
 * code (curve fits, the Gaussian process): in a fresh driver JVM those made the first two decisions
 * take about 40 ms each, a few percent of a short fit. It runs while the data are cut, when the
 * driver only waits for the cluster. The throwaway tuner shares nothing with the job's.
 */
final class TunerWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(TunerWarmUp.class);

  /** Made-up epochs of the cold and the warm job: each fits the curve and weighs candidates. */
  private static final int COLD_EPOCHS = 8;

  private static final int WARM_EPOCHS = 4;

  private TunerWarmUp() {}

  /** Starts the warm-up on a daemon thread of the lowest priority. */
  static void start(TunerConfig config, SearchSpace space, Setting first, int clocks) {
    Thread t = new Thread(() -> run(config, space, first, clocks), "trimtab-tuner-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  private static void run(TunerConfig config, SearchSpace space, Setting first, int clocks) {
    long t0 = System.nanoTime();
    try {
      // a cold job, then a warm one started from what the cold one learned: the paths of both
      Tuner cold = new Tuner(config, space, first, List.of());
      drive(cold, clocks, COLD_EPOCHS);
      List<PriorObservation> learned = cold.learned();
      if (!learned.isEmpty()) {
        drive(new Tuner(config, space, first, learned), clocks, WARM_EPOCHS);
      }
      LOG.debug("Tuner warm-up took {} ms", (System.nanoTime() - t0) / 1_000_000);
    } catch (RuntimeException e) {
      // a warm-up only saves time: whatever it meets, the job's own tuner meets and reports
      LOG.debug("Tuner warm-up stopped: {}", e.toString());
    }
  }

  private static void drive(Tuner tuner, int clocks, int epochs) {
    Decision d = tuner.first();
    int n = Math.max(4, clocks);
    for (int e = 1; e <= epochs; e++) {
      double[] losses = new double[n];
      for (int c = 0; c < n; c++) {
        losses[c] = 0.2 + 0.5 / Math.sqrt(1 + (e - 1) * n + c) * (1 + 0.01 * ((c * 7) % 5));
      }
      d = tuner.observe(new EpochObservation(e, d.setting(), 0.1 * n, 0, losses));
    }
  }
}
