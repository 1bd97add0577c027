package io.trimtab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.tuner.Setting;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

/**
 * The benchmarks' command lines as the run scripts, README and recorded results quote them: the
 * defaults, the recorded commands, and the messages for bad input.
 */
class CommandLinesTest {

  private static String error(Object options, String... args) {
    try {
      Cli.parse(options, args);
    } catch (ParameterException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted " + List.of(args));
  }

  // ---------------------------------------------------------------- grid

  @Test
  void grid_defaults() {
    GridOptions o = Cli.parse(new GridOptions(), "click");
    assertThat(o.workload).isEqualTo("click");
    assertThat(o.rows).isEqualTo(1_000_000);
    assertThat(o.budget).isEqualTo(20);
    assertThat(o.target()).isEqualTo(0.52);
    assertThat(o.batches).isEqualTo(10);
    assertThat(o.step).isEqualTo(0.1);
    assertThat(o.master).isEqualTo("local-cluster[2,2,2048]");
    assertThat(o.out).isEqualTo(Path.of("benchmarks/results"));
    assertThat(o.curves).isEqualTo(Path.of("tuner/src/test/resources/curves"));
    assertThat(o.defaultLast).isFalse();
    assertThat(o.knobs.staleness).isEqualTo("bsp,ssp:2,asp");
    assertThat(o.knobs.aggregation).isEqualTo("direct,executor-combine,driver-tree");
    assertThat(o.knobs.partitioner).isEqualTo("hash,range");
    assertThat(o.knobs.shards).isNull();
    assertThat(o.knobs.workers).isNull();
    assertThat(Cli.parse(new GridOptions(), "spam").target()).isEqualTo(0.08);
  }

  @Test
  void grid_recordedCommands() {
    GridOptions click =
        Cli.parse(new GridOptions(), "click", "budget=12", "target=0.33", "rows=1000000");
    assertThat(click.budget).isEqualTo(12);
    assertThat(click.target()).isEqualTo(0.33);
    assertThat(click.rows).isEqualTo(1_000_000);
    GridOptions spam =
        Cli.parse(new GridOptions(), "spam", "budget=8", "target=0.02", "defaultLast=true");
    assertThat(spam.budget).isEqualTo(8);
    assertThat(spam.target()).isEqualTo(0.02);
    assertThat(spam.defaultLast).isTrue();
  }

  @Test
  void keyGivenTwice_lastValueCounts() {
    assertThat(Cli.parse(new GridOptions(), "click", "budget=12", "budget=30").budget)
        .isEqualTo(30);
  }

  @Test
  void grid_defaultKnobs_makeTheSameGridAsBefore() {
    Setting defaults = Setting.defaults(2, 4);
    List<Setting> grid = GridBenchmark.grid(Cli.parse(new GridOptions(), "click").knobs, defaults);
    assertThat(grid.get(0)).isEqualTo(defaults);
    assertThat(grid).doesNotHaveDuplicates();
    // staleness x aggregation x shards {1, 2} x partitioner x workers {2, 4}, less the rejected
    assertThat(grid.size()).isBetween(2, 3 * 3 * 2 * 2 * 2);
    assertThat(grid.stream().map(Setting::shards).distinct()).containsExactlyInAnyOrder(1, 2);
    assertThat(grid.stream().map(Setting::workers).distinct()).containsExactlyInAnyOrder(2, 4);
  }

  @Test
  void grid_badInput() {
    assertThat(error(new GridOptions(), "click", "budget=abc"))
        .isEqualTo("Invalid value for option 'budget': 'abc' is not a double");
    assertThat(error(new GridOptions(), "clik"))
        .contains("<workload>")
        .contains("expected one of click, spam but was 'clik'");
    assertThat(error(new GridOptions())).isEqualTo("Missing required parameter: '<workload>'");
    assertThat(error(new GridOptions(), "click", "taget=0.3"))
        .startsWith("Unmatched argument at index 1: 'taget=0.3'")
        .contains("expected <workload> [key=value ...] with keys rows, budget, target, ");
    assertThat(error(new GridOptions(), "spam", "staleness=bsp,sspx"))
        .startsWith("Invalid value for option 'staleness': ")
        .contains("'sspx'");
    assertThat(error(new GridOptions(), "spam", "shards=1,two"))
        .isEqualTo(
            "Invalid value for option 'shards': 'two' is not an int (expected a comma list of"
                + " integers, e.g. 1,2)");
    assertThat(error(new GridOptions(), "spam", "defaultLast=yes"))
        .isEqualTo("Invalid value for option 'defaultLast': 'yes' is not a boolean");
  }

  @Test
  void usage_listsTheKeys() {
    try {
      Cli.parse(new GridOptions(), "click", "budget=x");
    } catch (ParameterException e) {
      assertThat(e.getCommandLine().getUsageMessage())
          .contains("Usage: benchmarks/run-grid <click|spam> [key=value ...]")
          .contains("target=<target>")
          .contains("<workload>")
          .contains("default 20");
      return;
    }
    throw new AssertionError("accepted budget=x");
  }

  // ---------------------------------------------------------------- tuner

  @Test
  void tuner_defaults() {
    TunerOptions o = Cli.parse(new TunerOptions(), "click");
    assertThat(o.rows).isEqualTo(1_000_000);
    assertThat(o.budget).isEqualTo(40);
    assertThat(o.target()).isEqualTo(0.26);
    assertThat(o.batches).isEqualTo(10);
    assertThat(o.step).isEqualTo(0.1);
    assertThat(o.reg).isEqualTo(0);
    assertThat(o.master).isEqualTo("local-cluster[2,2,2048]");
    assertThat(o.out).isEqualTo(Path.of("benchmarks/results"));
    assertThat(o.warmup).isEqualTo(15);
    assertThat(o.rounds).isEqualTo(3);
    assertThat(o.knobs.staleness).isEqualTo("bsp,ssp:2,asp");
    assertThat(Cli.parse(new TunerOptions(), "spam").target()).isEqualTo(0.01);
    assertThat(Cli.parse(new TunerOptions(), "fashion").target()).isEqualTo(0.12);
  }

  @Test
  void tuner_recordedCommands() {
    TunerOptions spam =
        Cli.parse(
            new TunerOptions(),
            "spam target=0.003 budget=20 staleness=bsp,ssp:1,asp partitioner=hash rounds=5"
                .split(" "));
    assertThat(spam.workload).isEqualTo("spam");
    assertThat(spam.target()).isEqualTo(0.003);
    assertThat(spam.budget).isEqualTo(20);
    assertThat(spam.knobs.staleness).isEqualTo("bsp,ssp:1,asp");
    assertThat(spam.knobs.partitioner).isEqualTo("hash");
    assertThat(spam.rounds).isEqualTo(5);

    TunerOptions click =
        Cli.parse(
            new TunerOptions(),
            ("click target=0.235 budget=45 staleness=bsp,ssp:1,asp"
                    + " aggregation=direct,executor-combine shards=1,2 partitioner=hash workers=2,4"
                    + " out=/tmp/r4long")
                .split(" "));
    assertThat(click.target()).isEqualTo(0.235);
    assertThat(click.knobs.aggregation).isEqualTo("direct,executor-combine");
    assertThat(click.knobs.shards).isEqualTo("1,2");
    assertThat(click.knobs.workers).isEqualTo("2,4");
    assertThat(click.out).isEqualTo(Path.of("/tmp/r4long"));
    List<Setting> grid = GridBenchmark.grid(click.knobs, Setting.defaults(2, 4));
    assertThat(grid.stream().map(s -> s.partitioner().name()).distinct()).containsExactly("HASH");
  }

  @Test
  void tuner_badInput() {
    assertThat(error(new TunerOptions(), "fashion", "rounds=three"))
        .isEqualTo("Invalid value for option 'rounds': 'three' is not an int");
    assertThat(error(new TunerOptions(), "movielens"))
        .contains("expected one of click, spam, fashion but was 'movielens'");
    assertThat(error(new TunerOptions(), "spam", "aggregation=direct,star"))
        .startsWith("Invalid value for option 'aggregation': ")
        .contains("'star'");
  }

  // ---------------------------------------------------------------- mllib

  @Test
  void mllib_defaults() {
    MllibOptions click = Cli.parse(new MllibOptions(), "click");
    assertThat(click.repeats).isEqualTo(1);
    assertThat(click.rows()).isEqualTo(1_000_000);
    assertThat(click.testRows()).isEqualTo(100_000);
    assertThat(click.bits()).isEqualTo(20);
    assertThat(click.mllibIters()).containsExactly(2, 4, 8, 16, 32, 64);
    assertThat(click.epochs()).containsExactly(1, 2, 3, 4, 6, 8, 12, 16);
    assertThat(click.batches).isEqualTo(10);
    assertThat(click.step).isEqualTo(0.1);
    assertThat(click.reg).isEqualTo(0);
    assertThat(click.mllibReg()).isEqualTo(1e-4);
    assertThat(click.standardize()).isTrue();
    assertThat(click.staleness).isEqualTo("bsp");
    assertThat(click.master).isEqualTo("local-cluster[2,2,2048]");

    MllibOptions spam = Cli.parse(new MllibOptions(), "spam");
    assertThat(spam.mllibIters()).containsExactly(4, 8, 16, 32, 64, 128);
    assertThat(spam.epochs()).containsExactly(1, 2, 3, 4, 6, 8, 12, 16, 24);
    assertThat(spam.mllibReg()).isEqualTo(1e-4);
    assertThat(spam.standardize()).isTrue();

    MllibOptions movielens = Cli.parse(new MllibOptions(), "movielens");
    assertThat(movielens.mllibIters()).containsExactly(2, 4, 8, 16, 32, 64);
    assertThat(movielens.epochs()).containsExactly(1, 2, 3, 4, 6, 8, 12, 16, 24);
    assertThat(movielens.mllibReg()).isEqualTo(1e-5);
    assertThat(movielens.standardize()).isFalse();
  }

  @Test
  void mllib_recordedCommands() {
    MllibOptions click =
        Cli.parse(
            new MllibOptions(),
            "click",
            "repeats=3",
            "standardization=false",
            "out=benchmarks/results/mllib");
    assertThat(click.repeats).isEqualTo(3);
    assertThat(click.standardize()).isFalse();
    assertThat(click.out).isEqualTo("benchmarks/results/mllib");
    MllibOptions full =
        Cli.parse(
            new MllibOptions(),
            ("click repeats=2 rows=5000 test=500 bits=12 mllib=1,2 epochs=1,3 batches=4 step=0.3"
                    + " reg=1e-5 mllibReg=1e-3 standardization=true staleness=ssp:1 master=local[2]")
                .split(" "));
    assertThat(full.rows()).isEqualTo(5000);
    assertThat(full.testRows()).isEqualTo(500);
    assertThat(full.bits()).isEqualTo(12);
    assertThat(full.mllibIters()).containsExactly(1, 2);
    assertThat(full.epochs()).containsExactly(1, 3);
    assertThat(full.batches).isEqualTo(4);
    assertThat(full.step).isEqualTo(0.3);
    assertThat(full.reg).isEqualTo(1e-5);
    assertThat(full.mllibReg()).isEqualTo(1e-3);
    assertThat(full.standardize()).isTrue();
    assertThat(full.staleness).isEqualTo("ssp:1");
    assertThat(full.master).isEqualTo("local[2]");
    MllibOptions movielens =
        Cli.parse(new MllibOptions(), "movielens", "repeats=3", "out=benchmarks/results/mllib");
    assertThat(movielens.repeats).isEqualTo(3);
    assertThat(movielens.rows()).isZero();
  }

  @Test
  void mllib_badInput() {
    assertThat(error(new MllibOptions(), "spam", "rows=5000"))
        .isEqualTo("Option 'rows' applies to the click workload only, not spam");
    assertThat(error(new MllibOptions(), "click", "epochs=1,3,2"))
        .isEqualTo(
            "Invalid value for option 'epochs': expected a comma list of increasing integers >= 1"
                + " (e.g. 1,2,4,8) but was '1,3,2'");
    assertThat(error(new MllibOptions(), "click", "step=0"))
        .isEqualTo("step must be a finite number > 0, got 0.0");
    assertThat(error(new MllibOptions(), "click", "mllibReg=NaN"))
        .isEqualTo("mllibReg must be a finite number >= 0, got NaN");
    assertThat(error(new MllibOptions(), "click", "repeats=0"))
        .isEqualTo("repeats must be >= 1, got 0");
    assertThat(error(new MllibOptions(), "click", "bits=31"))
        .isEqualTo("bits must be in [1, 30], got 31");
    assertThat(error(new MllibOptions(), "click", "staleness=ssp"))
        .contains("Invalid staleness setting: 'ssp'");
    assertThat(error(new MllibOptions(), "click", "standardization=yes"))
        .isEqualTo("Invalid value for option 'standardization': 'yes' is not a boolean");
    assertThat(error(new MllibOptions(), "click", "repeat=3"))
        .startsWith("Unmatched argument at index 1: 'repeat=3'")
        .contains("repeats, rows, test, bits, mllib, epochs");
  }

  // ---------------------------------------------------------------- scale

  @Test
  void scale_defaults_andTheCommandsRunScaleGives() {
    ScaleOptions o = Cli.parse(new ScaleOptions(), "train");
    assertThat(o.rows).isEqualTo(10_000_000);
    assertThat(o.validation).isEqualTo(500_000);
    assertThat(o.test).isEqualTo(500_000);
    assertThat(o.bits).isEqualTo(28);
    assertThat(o.nnz).isEqualTo(16);
    assertThat(o.zipf).isEqualTo(1.05);
    assertThat(o.epochs).isEqualTo(3);
    assertThat(o.grid.values()).containsExactly(1e-4, 1e-5, 1e-6, 0);
    assertThat(o.selectRows).isEqualTo(1_000_000);
    assertThat(o.switchAt).isEqualTo(3);
    assertThat(o.mllibIter.lengths()).containsExactly(5, 10, 20);
    assertThat(o.target).isNaN();
    assertThat(o.master).isEqualTo("local-cluster[2,1,6144]");
    assertThat(o.data()).isEqualTo(new WideFrames.Spec(28, 16, 1L << 28, 1.05, 11));
    // what run-scale passes to its later phases
    ScaleOptions mllib = Cli.parse(new ScaleOptions(), "mllib", "target=0.512345");
    assertThat(mllib.target).isEqualTo(0.512345);
    ScaleOptions dense =
        Cli.parse(
            new ScaleOptions(), "dense", "bits=27", "rows=2000000", "epochs=1", "grid=1.00000e-06");
    assertThat(dense.bits).isEqualTo(27);
    assertThat(dense.rows).isEqualTo(2_000_000);
    assertThat(dense.grid.values()).containsExactly(1e-6);
  }

  @Test
  void scale_badInput() {
    assertThat(error(new ScaleOptions(), "serve"))
        .isEqualTo(
            "Invalid value for positional parameter at index 0 (<phase>): expected one of train,"
                + " load, mllib, dense but was 'serve'");
    assertThat(error(new ScaleOptions(), "train", "grid=1e-4,-1"))
        .isEqualTo(
            "Invalid value for option 'grid': expected a comma list of finite numbers >= 0 (e.g."
                + " 1e-4,1e-5,0) but was '1e-4,-1'");
    assertThat(error(new ScaleOptions(), "train", "grid=x")).contains("but was 'x'");
    assertThat(error(new ScaleOptions(), "mllib", "bits=31"))
        .isEqualTo("bits must be <= 30 for MLlib, whose vectors have int indices, got 31");
    assertThat(error(new ScaleOptions(), "train", "bits=63"))
        .isEqualTo("bits must be in [10, 62], got 63");
    assertThat(error(new ScaleOptions(), "train", "rows=1000", "selectRows=2000"))
        .isEqualTo("selectRows must be at most rows (1000), got 2000");
    assertThat(error(new ScaleOptions(), "train", "rows=0")).isEqualTo("rows must be >= 1, got 0");
    assertThat(error(new ScaleOptions(), "train", "zipf=1"))
        .isEqualTo("Invalid Zipf exponent: 1.0 (expected > 0 and not 1)");
    assertThat(error(new ScaleOptions(), "train", "step=0"))
        .isEqualTo("step must be a finite number > 0, got 0.0");
  }

  // ---------------------------------------------------------------- soak, foundation

  @Test
  void soak() {
    SoakOptions o = Cli.parse(new SoakOptions());
    assertThat(o.minutes).isEqualTo(30);
    assertThat(o.master).isEqualTo("local-cluster[2,2,2048]");
    assertThat(o.out).isEqualTo(Path.of("benchmarks/results/soak"));
    SoakOptions recorded =
        Cli.parse(new SoakOptions(), "minutes=0.5", "master=local-cluster[2,1,1024]", "out=/tmp/s");
    assertThat(recorded.minutes).isEqualTo(0.5);
    assertThat(recorded.master).isEqualTo("local-cluster[2,1,1024]");
    assertThat(recorded.out).isEqualTo(Path.of("/tmp/s"));
    assertThat(error(new SoakOptions(), "minutes=half"))
        .isEqualTo("Invalid value for option 'minutes': 'half' is not a double");
    assertThat(error(new SoakOptions(), "30"))
        .startsWith("Unmatched argument at index 0: '30'")
        .contains("minutes, master, out");
  }

  @Test
  void foundation() {
    FoundationOptions o = Cli.parse(new FoundationOptions());
    assertThat(o.rows).isEqualTo(1_000_000);
    assertThat(o.epochs).isEqualTo(4);
    FoundationOptions rowsOnly = Cli.parse(new FoundationOptions(), "200000");
    assertThat(rowsOnly.rows).isEqualTo(200_000);
    assertThat(rowsOnly.epochs).isEqualTo(4);
    FoundationOptions both = Cli.parse(new FoundationOptions(), "200000", "3");
    assertThat(both.rows).isEqualTo(200_000);
    assertThat(both.epochs).isEqualTo(3);
    assertThat(error(new FoundationOptions(), "1e6"))
        .isEqualTo("Invalid value for positional parameter at index 0 (rows): '1e6' is not a long");
    assertThat(error(new FoundationOptions(), "1000", "4", "8"))
        .startsWith("Unmatched argument at index 2: '8'")
        .contains("expected [rows] [epochs]");
  }

  @Test
  void modelSelection_defaultsToAllModels_andRefusesAnUnknownOne() {
    assertThat(Cli.parse(new ModelSelection()).models).containsExactly("softmax", "fm", "mlp");
    assertThat(Cli.parse(new ModelSelection(), "fm,mlp").models).containsExactly("fm", "mlp");
    assertThat(error(new ModelSelection(), "svm"))
        .isEqualTo("Unmatched argument at index 0: 'svm' (expected [<softmax|fm|mlp>])");
  }
}
