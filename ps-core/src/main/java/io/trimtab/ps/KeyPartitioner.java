package io.trimtab.ps;

import java.io.Serializable;

/**
 * Maps every key of a table to exactly one of {@link #numShards()} shards. For dense tables the
 * partitioner also gives each key's index inside its shard, so that a shard stores its keys in a
 * flat array: for each shard s, {@code denseLocalIndex} is a bijection from the keys of s in {@code
 * [0, dimension)} onto {@code [0, denseShardSize(s, dimension))}.
 *
 * <p>A partitioner travels to the shards as its {@link #name()} and {@link #params()}, from which
 * the partitioner registry ({@code io.trimtab.ps.partition.Partitioners}) rebuilds an equal one.
 *
 * <p>Implementations are immutable and thread-safe; they travel inside table handles to Spark
 * tasks.
 */
public interface KeyPartitioner extends Serializable {

  /** Number of shards, >= 1. */
  int numShards();

  /** The shard that owns {@code key}, in {@code [0, numShards())}. */
  int shardOf(long key);

  /** Index of a dense key inside its shard's array. */
  long denseLocalIndex(long key);

  /**
   * The dense key at {@code localIndex} of {@code shard}: the inverse of {@link #denseLocalIndex}.
   */
  long denseKey(int shard, long localIndex);

  /** Number of keys in {@code [0, dimension)} owned by {@code shard}. */
  long denseShardSize(int shard, long dimension);

  /** The name it is registered under, for the protocol, logs and configuration. */
  String name();

  /** The parameters that rebuild it under {@link #name()} (a copy). */
  long[] params();
}
