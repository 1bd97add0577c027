package io.trimtab.bench;

import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command line of {@link ScaleBenchmark}: {@code <train|load|mllib|dense> [key=value ...]}.
 * benchmarks/run-scale runs the four phases in turn, each in a JVM of its own.
 */
@Command(
    name = "benchmarks/run-scale",
    sortOptions = false,
    customSynopsis =
        "benchmarks/run-scale [key=value ...]  (one phase: ScaleBenchmark <phase> ...)",
    description =
        "A model far bigger than the driver: train, checkpoint, switch, save, load, serve; MLlib on the same data.")
final class ScaleOptions implements Cli.Checked {

  static final class Phases extends Cli.OneOf {
    Phases() {
      super("train", "load", "mllib", "dense");
    }
  }

  /** A comma list of numbers >= 0: the regularization grid both libraries choose from. */
  record Grid(double[] values) {}

  static final class GridParser implements CommandLine.ITypeConverter<Grid> {
    @Override
    public Grid convert(String text) {
      double[] out;
      try {
        out =
            Arrays.stream(text.split(",", -1))
                .map(String::trim)
                .mapToDouble(Double::parseDouble)
                .toArray();
      } catch (NumberFormatException e) {
        out = new double[] {-1};
      }
      for (double v : out) {
        if (!(v >= 0) || Double.isInfinite(v)) {
          throw new CommandLine.TypeConversionException(
              "expected a comma list of finite numbers >= 0 (e.g. 1e-4,1e-5,0) but was '"
                  + text
                  + "'");
        }
      }
      return new Grid(out);
    }
  }

  @Parameters(
      index = "0",
      paramLabel = "<phase>",
      converter = Phases.class,
      description = "train, load, mllib or dense")
  String phase;

  @Option(
      names = "rows",
      defaultValue = "10000000",
      description = "Training rows (default ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "validation",
      defaultValue = "500000",
      description = "Validation rows, for the choice of regularization (default ${DEFAULT-VALUE}).")
  long validation;

  @Option(
      names = "test",
      defaultValue = "500000",
      description = "Test rows (default ${DEFAULT-VALUE}).")
  long test;

  @Option(
      names = "bits",
      defaultValue = "28",
      description = "Hashed space 2^bits, 10 to 62 (default ${DEFAULT-VALUE}).")
  int bits;

  @Option(
      names = "nnz",
      defaultValue = "16",
      description = "Features per row (default ${DEFAULT-VALUE}).")
  int nnz;

  @Option(
      names = "zipf",
      defaultValue = "1.05",
      description = "Zipf exponent of the features' frequencies (default ${DEFAULT-VALUE}).")
  double zipf;

  @Option(
      names = "seed",
      defaultValue = "11",
      description = "Data seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "epochs",
      defaultValue = "3",
      description = "Trimtab's epochs (default ${DEFAULT-VALUE}).")
  int epochs;

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
      names = "grid",
      paramLabel = "<list>",
      converter = GridParser.class,
      defaultValue = "1e-4,1e-5,1e-6,0",
      description =
          "Regularization grid: Trimtab's L2 and MLlib's regParam, each chosen on the validation rows (default ${DEFAULT-VALUE}).")
  Grid grid;

  @Option(
      names = "selectRows",
      defaultValue = "1000000",
      description =
          "Training rows (the first ones) of each fit of the choice on the validation rows (default ${DEFAULT-VALUE}).")
  long selectRows;

  @Option(
      names = "switchAt",
      defaultValue = "3",
      description = "The epoch that starts on one shard instead of two (default ${DEFAULT-VALUE}).")
  int switchAt;

  @Option(
      names = "mllibIter",
      paramLabel = "<list>",
      converter = MllibOptions.LadderParser.class,
      defaultValue = "5,10,20",
      description = "MLlib's maxIter ladder on the whole training set (default ${DEFAULT-VALUE}).")
  MllibOptions.Ladder mllibIter;

  @Option(
      names = "target",
      defaultValue = "NaN",
      description = "Trimtab's test log-loss, for MLlib's time to it (run-scale passes it).")
  double target;

  @Option(
      names = "bareRows",
      defaultValue = "1000000",
      description =
          "Rows of the bare single-threaded SGD loop P4 compares with (default ${DEFAULT-VALUE}).")
  int bareRows;

  @Option(
      names = "wireKeys",
      defaultValue = "2000000",
      description = "Keys a round of P5's pushes and pulls moves (default ${DEFAULT-VALUE}).")
  int wireKeys;

  @Option(
      names = "partitions",
      defaultValue = "16",
      description = "Partitions of the generated frames (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "dir",
      defaultValue = "benchmarks/target/scale",
      description = "Where checkpoints and the saved model go (default ${DEFAULT-VALUE}).")
  String dir;

  @Option(
      names = "master",
      defaultValue = "local-cluster[2,1,6144]",
      description = "Spark master (default ${DEFAULT-VALUE}).")
  String master;

  @Option(names = "out", description = "run-scale's log directory (read by the script only).")
  String out;

  /** The generator of the training, validation and test rows (in that order of row numbers). */
  WideFrames.Spec data() {
    return new WideFrames.Spec(bits, nnz, 1L << bits, zipf, seed);
  }

  @Override
  public void check() {
    for (String[] kv :
        new String[][] {
          {"rows", "" + rows},
          {"validation", "" + validation},
          {"test", "" + test},
          {"epochs", "" + epochs},
          {"batches", "" + batches},
          {"selectRows", "" + selectRows},
          {"switchAt", "" + switchAt},
          {"partitions", "" + partitions},
          {"bareRows", "" + bareRows},
          {"wireKeys", "" + wireKeys}
        }) {
      if (Long.parseLong(kv[1]) < 1) {
        throw new IllegalArgumentException(kv[0] + " must be >= 1, got " + kv[1]);
      }
    }
    if (bits < 10 || bits > 62) {
      throw new IllegalArgumentException("bits must be in [10, 62], got " + bits);
    }
    if (phase.equals("mllib") && bits > 30) {
      throw new IllegalArgumentException(
          "bits must be <= 30 for MLlib, whose vectors have int indices, got " + bits);
    }
    if (selectRows > rows) {
      throw new IllegalArgumentException(
          "selectRows must be at most rows (" + rows + "), got " + selectRows);
    }
    // WideClickData's own checks: nnz against the ranks, the exponent
    data().data();
    if (!(step > 0) || Double.isInfinite(step)) {
      throw new IllegalArgumentException("step must be a finite number > 0, got " + step);
    }
  }
}
