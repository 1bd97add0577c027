package io.trimtab.spark.tune;

import io.trimtab.tuner.Setting;
import java.io.Serializable;
import java.util.List;

/**
 * Chooses, before each epoch, the setting the epoch runs with: the hook through which a fixed
 * schedule, a benchmark grid or the tuner switches knobs between epochs. Called on the driver.
 */
@FunctionalInterface
public interface SettingSchedule extends Serializable {

  /**
   * @param epoch the 1-based epoch about to run
   * @param current the setting the previous epoch ran with (the initial setting before epoch 1)
   * @param history metrics of the epochs so far
   * @return the setting for {@code epoch}; returning {@code current} keeps it
   */
  Setting next(int epoch, Setting current, List<EpochMetrics> history);

  /** Never switches. */
  static SettingSchedule fixed() {
    return (epoch, current, history) -> current;
  }
}
