package io.trimtab.ps;

/**
 * A table's state summed over its shards.
 *
 * @param clock the lowest clock of any shard (the clock every shard has reached)
 * @param numKeys keys held (for dense tables: the dimension)
 * @param parameterBytes bytes held for keys and values, by capacity
 * @param stateBytes bytes of optimizer state
 */
public record TableStats(long clock, long numKeys, long parameterBytes, long stateBytes) {}
