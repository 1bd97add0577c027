package io.trimtab.ps;

import java.io.Serializable;
import java.util.List;

/**
 * Everything a client needs to reach a table: its id, spec, key partitioner and the address of each
 * shard in partitioner order. Small, immutable and serializable, so Spark tasks carry it.
 */
public record TableHandle(
    int id, TableSpec spec, KeyPartitioner partitioner, List<ShardAddress> shards)
    implements Serializable {

  public TableHandle {
    if (spec == null || partitioner == null || shards == null) {
      throw new IllegalArgumentException(
          "Table handle needs a spec, a partitioner and shard addresses");
    }
    shards = List.copyOf(shards);
    if (partitioner.numShards() != shards.size()) {
      throw new IllegalArgumentException(
          "Table '"
              + spec.name()
              + "': partitioner "
              + partitioner
              + " has "
              + partitioner.numShards()
              + " shards but "
              + shards.size()
              + " addresses were given (expected equal)");
    }
  }

  /** The table's name. */
  public String name() {
    return spec.name();
  }
}
