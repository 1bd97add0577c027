package io.trimtab.ps;

/**
 * The result of a pull: the values, and the table clock they were read at (the lowest clock of the
 * shards that answered), so that a worker can check how stale its read was.
 *
 * @param values {@code width} doubles per key, in request order
 * @param clock the table clock at the read: all updates of clocks before it are included
 */
public record Pulled(double[] values, long clock) {}
