package io.trimtab.bench;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The command line of {@link GridBenchmark}: {@code <click|spam> [key=value ...]}. */
@Command(
    name = "benchmarks/run-grid",
    sortOptions = false,
    customSynopsis = "benchmarks/run-grid <click|spam> [key=value ...]",
    description = "Trains one workload under every static setting of a grid for the same budget.")
final class GridOptions implements Cli.Checked {

  static final class Workloads extends Cli.OneOf {
    Workloads() {
      super("click", "spam");
    }
  }

  @Parameters(
      index = "0",
      paramLabel = "<workload>",
      converter = Workloads.class,
      description = "click or spam")
  String workload;

  @Option(
      names = "rows",
      defaultValue = "1000000",
      description = "Click rows (default ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "budget",
      defaultValue = "20",
      description = "Seconds of training per setting (default ${DEFAULT-VALUE}).")
  double budget;

  @Option(
      names = "target",
      description = "Target training loss (default 0.52 on click, 0.08 on spam).")
  Double target;

  @Option(
      names = "batches",
      defaultValue = "10",
      description = "Mini-batches per epoch (default ${DEFAULT-VALUE}).")
  int batches;

  @Option(
      names = "step",
      defaultValue = "0.1",
      description = "Adagrad step size (default ${DEFAULT-VALUE}).")
  double step;

  @Option(
      names = "master",
      defaultValue = "local-cluster[2,2,2048]",
      description = "Spark master (default ${DEFAULT-VALUE}).")
  String master;

  @Option(
      names = "out",
      defaultValue = "benchmarks/results",
      description = "Directory of the charts and the summary (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "curves",
      defaultValue = "tuner/src/test/resources/curves",
      description =
          "Directory of the recorded curves' CSVs, which the tuner tests replay (default ${DEFAULT-VALUE}).")
  Path curves;

  @Option(
      names = "defaultLast",
      arity = "1",
      defaultValue = "false",
      description = "Run the default setting last instead of first (default ${DEFAULT-VALUE}).")
  boolean defaultLast;

  @Mixin GridKnobs knobs;

  /** The target training loss: as given, else the workload's default. */
  double target() {
    return target != null ? target : workload.equals("click") ? 0.52 : 0.08;
  }

  @Override
  public void check() {
    knobs.check();
  }
}
