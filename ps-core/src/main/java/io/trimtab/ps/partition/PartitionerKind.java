package io.trimtab.ps.partition;

import io.trimtab.ps.KeyPartitioner;
import io.trimtab.ps.PartitionerFactory;
import io.trimtab.ps.TableKind;
import io.trimtab.ps.TableSpec;
import java.util.Arrays;
import java.util.Locale;

/**
 * The two layouts Trimtab chooses between (the tuner's partitioner knob). Other layouts plug in as
 * another {@link PartitionerFactory} and a partitioner registered in {@link Partitioners}.
 */
public enum PartitionerKind implements PartitionerFactory {
  /** Contiguous key ranges, one per shard. */
  RANGE {
    @Override
    KeyPartitioner build(TableSpec spec, int numShards) {
      return spec.kind() == TableKind.DENSE
          ? RangePartitioner.evenDense(numShards, spec.dimension())
          : RangePartitioner.evenFullRange(numShards);
    }
  },
  /** Spark's HashPartitioner rule: {@code floorMod(Long.hashCode(key), n)}. */
  HASH {
    @Override
    KeyPartitioner build(TableSpec spec, int numShards) {
      return new HashPartitioner(numShards);
    }
  };

  /** Builds this partitioner for {@code spec} over {@code numShards} shards. */
  @Override
  public KeyPartitioner create(TableSpec spec, int numShards) {
    if (numShards < 1) {
      throw new IllegalArgumentException("Invalid shard count: " + numShards + " (must be >= 1)");
    }
    return build(spec, numShards);
  }

  abstract KeyPartitioner build(TableSpec spec, int numShards);

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
