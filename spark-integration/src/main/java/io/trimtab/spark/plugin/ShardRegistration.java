package io.trimtab.spark.plugin;

import java.io.Serializable;

/**
 * What an executor's plugin tells the driver once its shard server listens.
 *
 * @param executorId Spark executor id
 * @param host address the shard is bound to
 * @param port its TCP port
 * @param pid process id of the executor JVM
 */
public record ShardRegistration(String executorId, String host, int port, long pid)
    implements Serializable {}
