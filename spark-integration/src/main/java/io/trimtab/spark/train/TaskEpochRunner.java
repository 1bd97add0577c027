package io.trimtab.spark.train;

import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.UserErrors;
import io.trimtab.spark.objective.Objective;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.spark.rdd.RDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * One {@link EpochTask} per worker runs the whole epoch against the PS, pushing by its {@link
 * PushPath} (direct, or combined per executor).
 *
 * <p>Bounded staleness needs every worker running at once: a barrier stage guarantees it. Spark
 * does not retry a failed barrier result stage (it aborts the job), so a failed epoch stage is run
 * again here, up to {@code spark.stage.maxConsecutiveAttempts} times in all, as Spark would retry a
 * failed barrier shuffle stage: every worker repeats the epoch from its first clock, the shards
 * drop the pushes of clocks already pushed, and BSP reads are exact, so nothing is applied twice. A
 * bad-input error is not retried. Unbounded (ASP) epochs are ordinary stages, whose failed tasks
 * Spark retries itself.
 */
final class TaskEpochRunner implements EpochRunner {
  private static final Logger LOG = LoggerFactory.getLogger(TaskEpochRunner.class);

  private final ParameterServer ps;
  private final Objective objective;
  private final Faults faults;
  private final PushPath pushPath;

  TaskEpochRunner(ParameterServer ps, Objective objective, Faults faults, PushPath pushPath) {
    this.ps = ps;
    this.objective = objective;
    this.faults = faults;
    this.pushPath = pushPath;
  }

  @Override
  public int tableWorkers(int workers) {
    return workers;
  }

  @Override
  public EpochTotals run(Epoch epoch) {
    long clock = epoch.baseClock();
    if (ps.lostAShardOf(epoch.table())) {
      // Spark reported the executor gone: do not wait for a barrier stage to find out
      ps.lostShards(epoch.table(), Duration.ofSeconds(10))
          .ifPresent(
              lost -> {
                throw new ShardLostException(
                    lost + " (before the epoch stage from clock " + clock + ")", null);
              });
    }
    ClassTag<TaskResult> tag = ClassTag$.MODULE$.apply(TaskResult.class);
    boolean barrier = epoch.setting().staleness().bounded();
    int attempts =
        barrier
            ? epoch.data().context().getConf().getInt("spark.stage.maxConsecutiveAttempts", 4)
            : 1;
    List<TaskResult> results = null;
    for (int attempt = 0; results == null; attempt++) {
      EpochTask task =
          new EpochTask(
              epoch.table(),
              ps.conf().clientOptions(),
              clock,
              epoch.orderSeed(),
              epoch.setting().staleness(),
              faults,
              pushPath,
              attempt,
              objective);
      RDD<TaskResult> out =
          barrier
              ? epoch.data().rdd().barrier().mapPartitions(task, false, tag)
              : epoch.data().rdd().mapPartitions(task, false, tag);
      try {
        results = UserErrors.unwrap(() -> out.toJavaRDD().collect());
      } catch (IllegalArgumentException e) {
        throw e;
      } catch (Exception e) { // Spark's job failure is a SparkException, checked, thrown from Scala
        // a lost executor took its shard (and its part of the model) along: re-running cannot help
        Optional<String> lost = ps.lostShards(epoch.table(), Duration.ofSeconds(10));
        if (lost.isPresent()) {
          throw new ShardLostException(lost.get() + " (epoch stage from clock " + clock + ")", e);
        }
        if (attempt + 1 >= attempts) {
          throw UserErrors.<RuntimeException>rethrow(e);
        }
        LOG.warn(
            "Trimtab: the epoch stage from clock {} failed (attempt {} of {}): {}; running it again (the shards "
                + "drop repeated pushes)",
            clock,
            attempt + 1,
            attempts,
            e.getMessage());
      }
    }
    return EpochTotals.of(results, epoch.clocks());
  }
}
