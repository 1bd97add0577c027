package io.trimtab.tuner;

import java.util.Arrays;
import java.util.Locale;

/**
 * The knobs of a {@link io.trimtab.tuner.Setting} the tuner may change. The declaration order is
 * the order of the coordinates in {@link SearchSpace#encode}.
 */
public enum Knob {
  STALENESS,
  AGGREGATION,
  SHARDS,
  PARTITIONER,
  WORKERS;

  /** The lower-case name used in configuration, e.g. "staleness". */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a configuration name (case-insensitive, surrounding blanks ignored). */
  public static Knob parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (Knob k : values()) {
      if (k.configName().equals(n)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "Unknown knob: '"
            + name
            + "' (expected one of "
            + Arrays.stream(values()).map(Knob::configName).toList()
            + ")");
  }
}
