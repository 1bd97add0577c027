package io.trimtab.spark.train;

import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.spark.tune.SettingSchedule;
import io.trimtab.spark.tune.SwitchListener;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The code a fit calls on the driver between epochs, next to its {@link TrainingSpec}: a schedule
 * that replaces the tuner, an audit of switches, an early stop and a progress listener. Not saved
 * with a model.
 *
 * @param schedule chooses each epoch's setting, or null to let the tuner (or nothing) choose
 * @param switchListener audits switches with snapshots of the model, or null
 * @param stopWhen ends training after an epoch when it holds for the metrics so far
 * @param onEpoch called after every epoch
 */
public record TrainingHooks(
    SettingSchedule schedule,
    SwitchListener switchListener,
    Predicate<List<EpochMetrics>> stopWhen,
    Consumer<EpochMetrics> onEpoch) {

  /** No schedule, no audit, no early stop, no listener. */
  public static final TrainingHooks NONE = new TrainingHooks(null, null, h -> false, m -> {});

  public TrainingHooks {
    stopWhen = stopWhen != null ? stopWhen : h -> false;
    onEpoch = onEpoch != null ? onEpoch : m -> {};
  }

  public TrainingHooks withSchedule(SettingSchedule s) {
    return new TrainingHooks(s, switchListener, stopWhen, onEpoch);
  }

  public TrainingHooks withSwitchListener(SwitchListener l) {
    return new TrainingHooks(schedule, l, stopWhen, onEpoch);
  }

  public TrainingHooks withStopWhen(Predicate<List<EpochMetrics>> condition) {
    return new TrainingHooks(schedule, switchListener, condition, onEpoch);
  }

  public TrainingHooks withEpochListener(Consumer<EpochMetrics> listener) {
    return new TrainingHooks(schedule, switchListener, stopWhen, listener);
  }
}
