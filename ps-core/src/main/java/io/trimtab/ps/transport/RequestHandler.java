package io.trimtab.ps.transport;

import io.trimtab.ps.protocol.Request;
import io.trimtab.ps.protocol.Response;

/**
 * Serves requests that arrive at a {@link TransportServer}. Called on a Netty I/O thread: it must
 * not block. It may answer later from any thread (a pull that waits for a clock does).
 */
public interface RequestHandler {

  /** Handles one request; exactly one {@link Responder#reply} must follow, now or later. */
  void handle(Request request, Responder responder);

  /** The way back to the client of one request. Thread-safe. */
  interface Responder {
    void reply(Response response);
  }
}
