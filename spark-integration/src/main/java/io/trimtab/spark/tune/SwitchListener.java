package io.trimtab.spark.tune;

import io.trimtab.ps.TableSnapshot;
import io.trimtab.tuner.Setting;

/**
 * Audits setting switches: called on the driver after each switch with snapshots of the model table
 * just before and just after it (equal, bit for bit, when the switch lost nothing). Setting one
 * costs two full exports of the table per switch; meant for tests and audits.
 */
@FunctionalInterface
public interface SwitchListener {
  void switched(
      int epoch,
      Setting from,
      Setting to,
      TableSnapshot before,
      TableSnapshot after,
      double seconds);
}
