package io.trimtab.ps;

import io.trimtab.ps.master.PsMaster;
import io.trimtab.ps.server.ShardServer;
import java.util.ArrayList;
import java.util.List;

/**
 * Shard servers on loopback in this JVM, with a master over real TCP: the fixture of the table
 * tests.
 */
final class LoopbackShards implements AutoCloseable {
  private final List<ShardServer> servers = new ArrayList<>();
  private final PsMaster master;

  LoopbackShards(int shards) {
    for (int i = 0; i < shards; i++) {
      servers.add(ShardServer.start("127.0.0.1", 0, 1));
    }
    master =
        new PsMaster(servers.stream().map(ShardServer::address).toList(), ClientOptions.defaults());
  }

  PsMaster master() {
    return master;
  }

  @Override
  public void close() {
    master.close();
    servers.forEach(ShardServer::close);
  }
}
