package io.trimtab.ps;

/**
 * A parameter-server operation failed: the server rejected the request (the message says which
 * value was wrong and what was expected), the connection failed, or a wait timed out.
 */
public class PsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PsException(String message) {
    super(message);
  }

  public PsException(String message, Throwable cause) {
    super(message, cause);
  }
}
