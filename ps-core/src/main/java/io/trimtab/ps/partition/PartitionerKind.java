package io.trimtab.ps.partition;

import io.trimtab.ps.TableKind;
import io.trimtab.ps.TableSpec;
import java.util.Arrays;
import java.util.Locale;

/** The key partitioners Trimtab offers. */
public enum PartitionerKind {
  /** Contiguous key ranges, one per shard. */
  RANGE,
  /** Spark's HashPartitioner rule: {@code floorMod(Long.hashCode(key), n)}. */
  HASH;

  /** Builds this partitioner for {@code spec} over {@code numShards} shards. */
  public KeyPartitioner create(TableSpec spec, int numShards) {
    if (numShards < 1) {
      throw new IllegalArgumentException("Invalid shard count: " + numShards + " (must be >= 1)");
    }
    return switch (this) {
      case HASH -> new HashPartitioner(numShards);
      case RANGE ->
          spec.kind() == TableKind.DENSE
              ? RangePartitioner.evenDense(numShards, spec.dimension())
              : RangePartitioner.evenFullRange(numShards);
    };
  }

  /** Parses a name such as "hash" or "RANGE". */
  public static PartitionerKind parse(String name) {
    for (PartitionerKind k : values()) {
      if (k.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "Unknown partitioner: '"
            + name
            + "' (expected one of "
            + Arrays.toString(values()).toLowerCase(Locale.ROOT)
            + ")");
  }
}
