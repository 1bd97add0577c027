package io.trimtab.ps;

/**
 * A table's state summed over its shards.
 *
 * @param clock the lowest clock of any shard (the clock every shard has reached)
 * @param numKeys keys held (for dense tables: the dimension)
 * @param parameterBytes bytes held for keys and values, by capacity
 * @param stateBytes bytes of optimizer state
 * @param duplicatePushes clocked pushes the shards received a second time (from a retried or
 *     speculative task attempt) and dropped, each counted once per shard
 */
public record TableStats(
    long clock, long numKeys, long parameterBytes, long stateBytes, long duplicatePushes) {}
