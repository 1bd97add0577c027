package io.trimtab.spark.train;

/**
 * A shard of a training table was lost with its executor: its part of the model is gone, and the
 * fit cannot go on from where it was. The message names the shard, its executor and the cause.
 */
public final class ShardLostException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public ShardLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
