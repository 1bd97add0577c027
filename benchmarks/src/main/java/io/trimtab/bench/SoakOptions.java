package io.trimtab.bench;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line of {@link SoakBenchmark}: {@code [minutes=30] [master=...] [out=dir]}. */
@Command(
    name = "benchmarks/run-soak",
    sortOptions = false,
    customSynopsis = "benchmarks/run-soak [key=value ...]",
    description = "Fits with a setting switch every 3 epochs, sampling heap, threads and fds.")
final class SoakOptions {
  @Option(
      names = "minutes",
      defaultValue = "30",
      description = "Minutes of fits (default ${DEFAULT-VALUE}).")
  double minutes;

  @Option(
      names = "master",
      defaultValue = "local-cluster[2,2,2048]",
      description = "Spark master (default ${DEFAULT-VALUE}).")
  String master;

  @Option(
      names = "out",
      defaultValue = "benchmarks/results/soak",
      description = "Output directory (default ${DEFAULT-VALUE}).")
  Path out;
}
