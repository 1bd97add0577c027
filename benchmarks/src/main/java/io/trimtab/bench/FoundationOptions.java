package io.trimtab.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The command line of {@link FoundationBenchmark}: {@code [rows] [epochs]}. */
@Command(
    name = "benchmarks/run-foundation",
    description = "Table memory and PS-backed training throughput against a bare SGD loop.")
final class FoundationOptions {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "rows",
      defaultValue = "1000000",
      description = "Synthetic click rows (default ${DEFAULT-VALUE}).")
  long rows;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "epochs",
      defaultValue = "4",
      description = "Epochs of each fit, the first one a warm-up (default ${DEFAULT-VALUE}).")
  int epochs;
}
