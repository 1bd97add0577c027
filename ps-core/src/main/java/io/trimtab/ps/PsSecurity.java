package io.trimtab.ps;

/**
 * How PS connections are protected: authenticated with a shared secret (every connection proves it
 * before any request is read), and optionally encrypted (AES-256-GCM with a per-connection key
 * derived from the secret and both sides' random nonces). With Spark, the secret is the
 * application's ({@code spark.authenticate}) and encryption follows {@code
 * spark.network.crypto.enabled}.
 *
 * @param secret the shared secret, non-empty
 * @param encrypt whether frames after the handshake are encrypted
 */
public record PsSecurity(byte[] secret, boolean encrypt) {
  public PsSecurity {
    if (secret == null || secret.length == 0) {
      throw new IllegalArgumentException(
          "A PS secret must be non-empty (got " + (secret == null ? "null" : "none") + ")");
    }
    secret = secret.clone();
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PsSecurity p
        && p.encrypt == encrypt
        && java.security.MessageDigest.isEqual(p.secret, secret);
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(encrypt);
  }

  @Override
  public String toString() {
    return "PsSecurity[authenticated" + (encrypt ? ", encrypted" : "") + "]";
  }
}
