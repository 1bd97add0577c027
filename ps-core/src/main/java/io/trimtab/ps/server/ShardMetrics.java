package io.trimtab.ps.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a shard server has served since it started: requests, keys, bytes on the wire, and the pulls
 * that had to wait for other workers' clocks (the cost of the staleness bound). Counters only grow;
 * a metrics system turns them into rates. Thread-safe and cheap (one {@link LongAdder} add per
 * event), updated on the shard's I/O threads.
 */
public final class ShardMetrics {
  private final LongAdder pulls = new LongAdder();
  private final LongAdder pushes = new LongAdder();
  private final LongAdder keysPulled = new LongAdder();
  private final LongAdder keysPushed = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private final LongAdder waitedPulls = new LongAdder();
  private final LongAdder waitNanos = new LongAdder();

  void pull(int keys) {
    pulls.increment();
    keysPulled.add(keys);
  }

  void push(int keys) {
    pushes.increment();
    keysPushed.add(keys);
  }

  /** A pull parked for a clock was answered (or failed) after {@code nanos}. */
  void waited(long nanos) {
    waitedPulls.increment();
    waitNanos.add(nanos);
  }

  /** Bytes of one request frame received, length prefix included. */
  public void received(long bytes) {
    bytesIn.add(bytes);
  }

  /** Bytes of one response frame sent, length prefix included. */
  public void sent(long bytes) {
    bytesOut.add(bytes);
  }

  /** Pull requests served. */
  public long pulls() {
    return pulls.sum();
  }

  /** Push requests applied (or dropped as repeated). */
  public long pushes() {
    return pushes.sum();
  }

  public long keysPulled() {
    return keysPulled.sum();
  }

  public long keysPushed() {
    return keysPushed.sum();
  }

  public long bytesIn() {
    return bytesIn.sum();
  }

  public long bytesOut() {
    return bytesOut.sum();
  }

  /** Pulls that waited for a clock the staleness bound required (none under ASP). */
  public long waitedPulls() {
    return waitedPulls.sum();
  }

  /** Time those pulls waited, summed, in seconds. */
  public double waitSeconds() {
    return waitNanos.sum() / 1e9;
  }
}
