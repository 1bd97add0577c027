package io.trimtab.ps.partition;

import io.trimtab.ps.KeyPartitioner;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The partitioners a shard can rebuild from a name and parameters ({@link KeyPartitioner#name()},
 * {@link KeyPartitioner#params()}), so that the protocol carries any registered partitioner without
 * knowing its class.
 *
 * <p>Thread-safe (immutable).
 */
public final class Partitioners {
  /** {@link HashPartitioner}; parameters: the shard count. */
  public static final String HASH = "hash";

  /** {@link RangePartitioner}; parameters: the first key of each shard. */
  public static final String RANGE = "range";

  private static final Map<String, Function<long[], KeyPartitioner>> BY_NAME =
      new LinkedHashMap<>();

  static {
    BY_NAME.put(HASH, Partitioners::hash);
    BY_NAME.put(RANGE, RangePartitioner::new);
  }

  private Partitioners() {}

  /**
   * The partitioner {@code name} with {@code params}.
   *
   * @throws IllegalArgumentException naming the value if the name is unknown or the parameters do
   *     not fit it
   */
  public static KeyPartitioner byName(String name, long[] params) {
    Function<long[], KeyPartitioner> make = BY_NAME.get(name);
    if (make == null) {
      throw new IllegalArgumentException(
          "Unknown partitioner: '" + name + "' (expected one of " + names() + ")");
    }
    return make.apply(params);
  }

  /** The registered names, in a fixed order. */
  public static Set<String> names() {
    return BY_NAME.keySet();
  }

  private static KeyPartitioner hash(long[] params) {
    if (params.length != 1 || params[0] < 1 || params[0] > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "Invalid hash partitioner parameters: "
              + Arrays.toString(params)
              + " (expected one shard count, 1 .. "
              + Integer.MAX_VALUE
              + ")");
    }
    return new HashPartitioner((int) params[0]);
  }
}
