package io.trimtab.ps;

/**
 * Builds the partitioner of a table when it is created or moved: the strategy behind a layout
 * choice such as "hash" or "range". Implementations are immutable and thread-safe.
 */
@FunctionalInterface
public interface PartitionerFactory {

  /**
   * The partitioner of {@code spec}'s keys over {@code numShards} shards.
   *
   * @throws IllegalArgumentException if {@code numShards} is below 1 or does not fit the table
   */
  KeyPartitioner create(TableSpec spec, int numShards);
}
