package io.trimtab.bench;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.tuner.Aggregation;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The grid keys shared by {@link GridBenchmark} and {@link TunerBenchmark} (a picocli mixin): comma
 * lists of the knob values whose valid combinations make the grid of static settings (see {@link
 * GridBenchmark#grid}).
 */
final class GridKnobs implements Cli.Checked {
  @Option(
      names = "staleness",
      paramLabel = "<list>",
      defaultValue = "bsp,ssp:2,asp",
      description = "Staleness bounds of the grid (default ${DEFAULT-VALUE}).")
  String staleness;

  @Option(
      names = "aggregation",
      paramLabel = "<list>",
      defaultValue = "direct,executor-combine,driver-tree",
      description = "Aggregation strategies of the grid (default ${DEFAULT-VALUE}).")
  String aggregation;

  @Option(
      names = "shards",
      paramLabel = "<list>",
      description = "Shard counts of the grid (default 1 and the parameter server's shard count).")
  String shards;

  @Option(
      names = "partitioner",
      paramLabel = "<list>",
      defaultValue = "hash,range",
      description = "Partitioners of the grid (default ${DEFAULT-VALUE}).")
  String partitioner;

  @Option(
      names = "workers",
      paramLabel = "<list>",
      description = "Worker counts of the grid (default half the task slots and all of them).")
  String workers;

  /** Each listed value must parse on its own; combinations a setting rejects are skipped later. */
  @Override
  public void check() {
    each("staleness", staleness, StalenessBound::parse);
    each("aggregation", aggregation, Aggregation::parse);
    each("partitioner", partitioner, PartitionerKind::parse);
    each("shards", shards, GridKnobs::integer);
    each("workers", workers, GridKnobs::integer);
  }

  private static void each(String key, String list, Consumer<String> parse) {
    if (list == null) {
      return; // a default that depends on the parameter server
    }
    for (String v : list.split(",")) {
      try {
        parse.accept(v);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Invalid value for option '" + key + "': " + e.getMessage(), e);
      }
    }
  }

  private static void integer(String v) {
    try {
      Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + v + "' is not an int (expected a comma list of integers, e.g. 1,2)");
    }
  }
}
