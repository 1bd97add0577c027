package io.trimtab.ps.server;

import io.trimtab.ps.PartFiles;
import io.trimtab.ps.PsSecurity;
import io.trimtab.ps.ReadMode;
import io.trimtab.ps.protocol.Request;
import io.trimtab.ps.protocol.Response;
import io.trimtab.ps.transport.RequestHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The request handler of one shard server: the table parts it holds and the dispatch of requests to
 * them. Each part is locked while a request touches it; replies to pulls that waited for a clock
 * are sent after the lock is released.
 */
final class Shard implements RequestHandler, AutoCloseable {
  private static final Response.Ack ACK = new Response.Ack();
  private static final long PID = ProcessHandle.current().pid();
  private final Map<Integer, TablePart> parts = new ConcurrentHashMap<>();
  private final ShardMetrics metrics;
  private final PartTransfers transfers;

  /** Expires pulls that wait too long for a clock. */
  private final ScheduledThreadPoolExecutor timer = newTimer();

  Shard(ShardMetrics metrics, PartFiles files, PsSecurity security) {
    this.metrics = metrics;
    this.transfers = new PartTransfers(files, security);
  }

  private static ScheduledThreadPoolExecutor newTimer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread = new Thread(r, "trimtab-shard-timer");
              thread.setDaemon(true);
              return thread;
            });
    t.setRemoveOnCancelPolicy(true); // answered pulls leave the queue at once
    return t;
  }

  /** Expiry tasks queued (pulls waiting for a clock), for tests. */
  int pendingExpiries() {
    return timer.getQueue().size();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    transfers.close();
  }

  int tableCount() {
    return parts.size();
  }

  @Override
  public void handle(Request request, Responder responder) {
    if (request instanceof Request.Pull p) {
      pull(p, responder);
    } else if (request instanceof Request.Push p) {
      TablePart part = part(p.tableId());
      metrics.push(p.keys().length);
      List<Runnable> ready;
      synchronized (part) {
        ready = part.push(p.worker(), p.coWorkers(), p.clock(), p.count(), p.keys(), p.values());
      }
      responder.reply(ACK);
      ready.forEach(Runnable::run);
    } else if (request instanceof Request.CreateTable c) {
      TablePart part = new TablePart(c.tableId(), c.spec(), c.shard(), c.partitioner());
      TablePart previous = parts.putIfAbsent(c.tableId(), part);
      if (previous != null) {
        throw new IllegalStateException(
            "Table id "
                + c.tableId()
                + " already exists on this shard as '"
                + previous.spec.name()
                + "' (expected a new id)");
      }
      responder.reply(ACK);
    } else if (request instanceof Request.DropTable d) {
      TablePart part = parts.remove(d.tableId());
      if (part != null) {
        List<Runnable> failed;
        synchronized (part) {
          failed = part.abandon(part.describe() + " was dropped");
        }
        failed.forEach(Runnable::run);
      }
      responder.reply(ACK);
    } else if (request instanceof Request.SetWorkers s) {
      TablePart part = part(s.tableId());
      synchronized (part) {
        part.setWorkers(s.numWorkers(), s.perClock(), s.startClock());
      }
      responder.reply(ACK);
    } else if (request instanceof Request.Export x) {
      TablePart part = part(x.tableId());
      Response out;
      synchronized (part) {
        out = part.export();
      }
      responder.reply(out);
    } else if (request instanceof Request.Import x) {
      TablePart part = part(x.tableId());
      synchronized (part) {
        part.importValues(x.keys(), x.values(), x.state());
      }
      responder.reply(ACK);
    } else if (request instanceof Request.WritePart w) {
      TablePart part = part(w.tableId());
      transfers.submit(responder, () -> transfers.write(part, w.uri()));
    } else if (request instanceof Request.ReadParts r) {
      TablePart part = part(r.tableId());
      transfers.submit(responder, () -> transfers.read(part, r.uris()));
    } else if (request instanceof Request.MoveTo m) {
      TablePart part = part(m.tableId());
      transfers.submit(
          responder, () -> transfers.move(part, m.newTableId(), m.partitioner(), m.shards()));
    } else if (request instanceof Request.Status s) {
      if (s.tableId() < 0) {
        responder.reply(new Response.Status(PID, parts.size(), metrics.pushes(), 0, 0, 0, 0, 0));
        return;
      }
      TablePart part = part(s.tableId());
      synchronized (part) {
        responder.reply(
            new Response.Status(
                PID,
                parts.size(),
                metrics.pushes(),
                part.clock(),
                part.numKeys(),
                part.parameterBytes(),
                part.stateBytes(),
                part.duplicatePushes()));
      }
    } else {
      throw new IllegalArgumentException(
          "Unsupported request " + request.getClass().getSimpleName());
    }
  }

  private void pull(Request.Pull p, Responder responder) {
    TablePart part = part(p.tableId());
    metrics.pull(p.keys().length);
    Response immediate = null;
    ReadMode mode = p.mode();
    synchronized (part) {
      if (mode.clock() <= part.clock()) {
        immediate =
            mode instanceof ReadMode.Exactly
                ? part.readAt(mode.clock(), p.keys())
                : new Response.Values(part.clock(), part.read(p.keys()));
      } else {
        long parked = System.nanoTime();
        WaitingPulls.Waiting handle =
            part.await(
                mode.clock(),
                p.keys(),
                new WaitingPulls.ReadyPull() {
                  @Override
                  public void ready(long clock, double[] values) {
                    metrics.waited(System.nanoTime() - parked);
                    responder.reply(new Response.Values(clock, values));
                  }

                  @Override
                  public void failed(String reason) {
                    metrics.waited(System.nanoTime() - parked);
                    responder.reply(new Response.Failure(reason));
                  }
                });
        int waitMs = Math.max(1, p.waitMs());
        // scheduled under the part's lock, so the pull cannot be answered before its expiry is
        // attached
        handle.attachExpiry(
            timer.schedule(
                () -> {
                  Runnable fail;
                  synchronized (part) {
                    fail = part.expire(handle, waitMs);
                  }
                  if (fail != null) {
                    fail.run();
                  }
                },
                waitMs,
                TimeUnit.MILLISECONDS));
      }
    }
    if (immediate != null) {
      responder.reply(immediate);
    }
  }

  private TablePart part(int tableId) {
    TablePart part = parts.get(tableId);
    if (part == null) {
      throw new IllegalArgumentException(
          "Unknown table id " + tableId + " on this shard (known: " + parts.keySet() + ")");
    }
    return part;
  }
}
