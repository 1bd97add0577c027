package io.trimtab.bench;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The command line of {@link TunerBenchmark}: {@code <click|spam|fashion> [key=value ...]}. */
@Command(
    name = "benchmarks/run-tuner",
    sortOptions = false,
    customSynopsis = "benchmarks/run-tuner <click|spam|fashion> [key=value ...]",
    description =
        "Time to target: the default, every static setting of a grid, and the self-tuned job.")
final class TunerOptions implements Cli.Checked {

  static final class Workloads extends Cli.OneOf {
    Workloads() {
      super("click", "spam", "fashion");
    }
  }

  @Parameters(
      index = "0",
      paramLabel = "<workload>",
      converter = Workloads.class,
      description = "click, spam or fashion")
  String workload;

  @Option(
      names = "rows",
      defaultValue = "1000000",
      description = "Click rows, training and test (default ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "budget",
      defaultValue = "40",
      description = "Seconds of training per run at most (default ${DEFAULT-VALUE}).")
  double budget;

  @Option(
      names = "target",
      description = "Target training loss (default 0.26 on click, 0.01 on spam, 0.12 on fashion).")
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

  @Option(names = "reg", defaultValue = "0", description = "L2 (default ${DEFAULT-VALUE}).")
  double reg;

  @Option(
      names = "master",
      defaultValue = "local-cluster[2,2,2048]",
      description = "Spark master (default ${DEFAULT-VALUE}).")
  String master;

  @Option(
      names = "out",
      defaultValue = "benchmarks/results",
      description = "Directory of the CSV and the tuning reports (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "warmup",
      defaultValue = "15",
      description = "Seconds of the discarded warm-up fit (default ${DEFAULT-VALUE}).")
  double warmup;

  @Option(
      names = "rounds",
      defaultValue = "3",
      description = "Rounds of default, best, cold and warm tuned runs (default ${DEFAULT-VALUE}).")
  int rounds;

  @Mixin GridKnobs knobs;

  /** The target training loss: as given, else the workload's default. */
  double target() {
    if (target != null) {
      return target;
    }
    return switch (workload) {
      case "click" -> 0.26;
      case "spam" -> 0.01;
      default -> 0.12;
    };
  }

  @Override
  public void check() {
    knobs.check();
  }
}
