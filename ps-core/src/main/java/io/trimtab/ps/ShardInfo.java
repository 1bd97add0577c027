package io.trimtab.ps;

/**
 * A live shard as it reports itself over TCP.
 *
 * @param address where it listens
 * @param pid operating-system process id of the JVM it runs in
 * @param tables number of table parts it holds
 * @param pushesReceived push requests it has received since it started, over all tables (a combined
 *     push of several workers counts once)
 */
public record ShardInfo(ShardAddress address, long pid, int tables, long pushesReceived) {}
