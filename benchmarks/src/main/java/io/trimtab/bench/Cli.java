package io.trimtab.bench;

import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The benchmarks' command lines, parsed by picocli: a positional workload name (where there is one)
 * and {@code key=value} options named without dashes, e.g. {@code spam target=0.003 budget=20}.
 * Unknown keys and malformed values are refused with a message naming the value and what was
 * expected, followed by the usage.
 */
final class Cli {
  private Cli() {}

  /** Options checked after parsing, for rules picocli cannot express (ranges, combinations). */
  interface Checked {
    /** Throws IllegalArgumentException naming the offending value and what was expected. */
    void check();
  }

  /**
   * Fills {@code options} (a picocli {@code @Command}) from {@code args}; throws picocli's
   * ParameterException (with the command line attached, for the usage) on bad input.
   */
  static <T> T parse(T options, String... args) {
    // a key given twice: the last value counts, as with the hand-written parser before
    CommandLine cmd = new CommandLine(options).setOverwrittenOptionsAllowed(true);
    try {
      cmd.parseArgs(args);
    } catch (UnmatchedArgumentException e) {
      // e.g. "Unmatched argument at index 1: 'taget=0.3'": say what the command line takes
      throw new ParameterException(cmd, e.getMessage() + " (expected " + syntax(cmd) + ")", e);
    }
    if (options instanceof Checked c) {
      try {
        c.check();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(cmd, e.getMessage(), e);
      }
    }
    return options;
  }

  /** The arguments a command takes, e.g. {@code <workload> [key=value ...] with keys rows, ...}. */
  static String syntax(CommandLine cmd) {
    CommandSpec spec = cmd.getCommandSpec();
    StringJoiner all = new StringJoiner(" ");
    for (PositionalParamSpec p : spec.positionalParameters()) {
      all.add(p.arity().min() == 0 ? "[" + p.paramLabel() + "]" : p.paramLabel());
    }
    if (!spec.options().isEmpty()) {
      all.add(
          "[key=value ...] with keys "
              + spec.options().stream().map(o -> o.names()[0]).collect(Collectors.joining(", ")));
    }
    return all.toString();
  }

  /**
   * As {@link #parse}, but on bad input prints the message and the usage to standard error and
   * exits with status 2 (picocli's usage-error code).
   */
  static <T> T parseOrExit(T options, String... args) {
    try {
      return parse(options, args);
    } catch (ParameterException e) {
      System.err.println(e.getMessage());
      e.getCommandLine().usage(System.err);
      System.exit(CommandLine.ExitCode.USAGE);
      throw e; // not reached
    }
  }

  /** A converter accepting only the listed names: the workloads of one benchmark. */
  abstract static class OneOf implements CommandLine.ITypeConverter<String> {
    private final List<String> names;

    OneOf(String... names) {
      this.names = List.of(names);
    }

    @Override
    public String convert(String value) {
      if (!names.contains(value)) {
        throw new CommandLine.TypeConversionException(
            "expected one of " + String.join(", ", names) + " but was '" + value + "'");
      }
      return value;
    }
  }
}
