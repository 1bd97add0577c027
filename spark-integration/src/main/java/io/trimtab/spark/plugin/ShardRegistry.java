package io.trimtab.spark.plugin;

import io.trimtab.ps.ShardAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkContext;

/**
 * The driver's record of the shard servers of one SparkContext, filled by executor registrations.
 * There is one per driver JVM at a time (Spark allows one active SparkContext per JVM).
 * Thread-safe.
 */
public final class ShardRegistry implements AutoCloseable {
  private static ShardRegistry current;

  private final SparkContext context;
  private final Map<String, ShardRegistration> shards = new LinkedHashMap<>();
  private final List<AutoCloseable> onClose = new ArrayList<>();
  private boolean closed;

  private ShardRegistry(SparkContext context) {
    this.context = context;
  }

  static synchronized ShardRegistry open(SparkContext sc) {
    if (current != null) {
      current.close();
    }
    current = new ShardRegistry(sc);
    return current;
  }

  /** The registry of the running SparkContext, if Trimtab's plugin is enabled in it. */
  public static synchronized Optional<ShardRegistry> current() {
    return Optional.ofNullable(current).filter(r -> !r.isClosed());
  }

  /**
   * Whether this registry belongs to {@code sc} (plugins start before the application id is known).
   */
  public boolean belongsTo(SparkContext sc) {
    return context == sc;
  }

  synchronized void register(ShardRegistration reg) {
    shards.put(reg.executorId(), reg);
    notifyAll();
  }

  /** Registrations so far, in arrival order. */
  public synchronized List<ShardRegistration> registrations() {
    return List.copyOf(shards.values());
  }

  /** Shard addresses so far, in arrival order. */
  public synchronized List<ShardAddress> addresses() {
    return shards.values().stream().map(r -> new ShardAddress(r.host(), r.port())).toList();
  }

  /**
   * Waits until the shards of all {@code executorIds} have registered.
   *
   * @return the registrations of those executors, in the order of {@code executorIds}
   * @throws IllegalStateException naming the missing executors after {@code timeout}
   */
  public synchronized List<ShardRegistration> await(List<String> executorIds, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!shards.keySet().containsAll(executorIds)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        List<String> missing = new ArrayList<>(executorIds);
        missing.removeAll(shards.keySet());
        throw new IllegalStateException(
            "Trimtab shards of executors "
                + missing
                + " did not register within "
                + timeout.toSeconds()
                + " s (registered: "
                + shards.keySet()
                + "). Check the executor logs for "
                + "'Trimtab shard' errors, or raise spark.trimtab.registrationTimeout");
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for Trimtab shards", e);
      }
    }
    return executorIds.stream().map(shards::get).toList();
  }

  /** Closes {@code resource} when the SparkContext stops. */
  public synchronized void closeOnStop(AutoCloseable resource) {
    onClose.add(resource);
  }

  synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable c : onClose) {
      try {
        c.close();
      } catch (Exception e) {
        // closing best effort on context stop; the resources are connections only
      }
    }
    notifyAll();
  }
}
