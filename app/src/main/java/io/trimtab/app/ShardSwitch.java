package io.trimtab.app;

import io.trimtab.spark.tune.SettingSchedule;

/** The application's {@code --switch-shards EPOCH:N}: a schedule that moves to N shards. */
public final class ShardSwitch {
  private ShardSwitch() {}

  /**
   * The schedule of {@code spec}, "EPOCH:N": from epoch EPOCH on, N shards.
   *
   * @throws IllegalArgumentException naming the value and the expected form
   */
  static SettingSchedule parse(String spec) {
    String[] parts = spec.trim().split(":");
    int epoch;
    int shards;
    try {
      if (parts.length != 2) {
        throw new NumberFormatException();
      }
      epoch = Integer.parseInt(parts[0].trim());
      shards = Integer.parseInt(parts[1].trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid --switch-shards: '" + spec + "' (expected EPOCH:SHARDS, e.g. 5:1)");
    }
    if (epoch < 1 || shards < 1) {
      throw new IllegalArgumentException(
          "Invalid --switch-shards: '"
              + spec
              + "' (expected an epoch >= 1 and a shard count >= 1)");
    }
    return from(epoch, shards);
  }

  /** A schedule that moves to {@code shards} shards from epoch {@code epoch} on. */
  public static SettingSchedule from(int epoch, int shards) {
    return (e, current, history) -> e >= epoch ? current.withShards(shards) : current;
  }
}
