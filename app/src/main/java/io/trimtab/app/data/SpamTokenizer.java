package io.trimtab.app.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;

/**
 * Turns an email into a hashed bag of words, in plain Java so that it can be tested without Spark.
 *
 * <p>Design: a token is a maximal run of letters or digits ({@link Character#isLetterOrDigit}),
 * lowercased, kept if it has 2 to 30 characters (longer runs are dropped, not cut). A token's
 * feature index is MurmurHash3 (x86, 32 bit) of its UTF-8 bytes with seed 42, taken modulo {@code
 * 2^hashBits} into {@code [0, 2^hashBits)}. That is exactly what Spark ML's {@code
 * HashingTF.indexOf} computes for a string (Spark 3.x), so indices agree with Spark and do not
 * depend on the JVM, the platform or {@code String.hashCode}. The value of a feature is {@code
 * log(1 + tf)}, where tf counts the tokens of subject and body that fall into it (hash collisions
 * add up). Body lines that look like base64 (see {@link #isEncodedLine}) are skipped: they are
 * encoded attachments or parts whose runs would only add random tokens.
 *
 * <p>Reference: Austin Appleby, MurmurHash3, https://github.com/aappleby/smhasher; Weinberger et
 * al., "Feature Hashing for Large Scale Multitask Learning", ICML 2009.
 *
 * <p>Thread safety: stateless, safe to use from any thread.
 */
final class SpamTokenizer {

  /** Shortest token kept, in chars. */
  static final int MIN_TOKEN_LENGTH = 2;

  /** Longest token kept, in chars. */
  static final int MAX_TOKEN_LENGTH = 30;

  /** Largest allowed {@code hashBits}: {@code 2^30} is the largest power of two that is an int. */
  static final int MAX_HASH_BITS = 30;

  /** Seed of Spark ML's {@code HashingTF} and {@code FeatureHasher}. */
  static final int SEED = 42;

  /** Shortest line treated as base64 by {@link #isEncodedLine}. */
  private static final int MIN_ENCODED_LINE = 60;

  private SpamTokenizer() {}

  /** The lowercased tokens of {@code text}, in order, repeats included. */
  static List<String> tokens(CharSequence text) {
    List<String> tokens = new ArrayList<>();
    StringBuilder token = new StringBuilder(MAX_TOKEN_LENGTH + 1);
    for (int i = 0, n = text.length(); i <= n; i++) {
      char c = i < n ? text.charAt(i) : ' ';
      if (Character.isLetterOrDigit(c)) {
        token.append(Character.toLowerCase(c));
      } else if (token.length() > 0) {
        if (token.length() >= MIN_TOKEN_LENGTH && token.length() <= MAX_TOKEN_LENGTH) {
          tokens.add(token.toString());
        }
        token.setLength(0);
      }
    }
    return tokens;
  }

  /** The tokens of the subject followed by those of the body, without base64-looking lines. */
  static List<String> tokens(SpamMessage message) {
    List<String> tokens = tokens(message.subject());
    for (String line : message.body().split("\n")) {
      if (!isEncodedLine(line)) {
        tokens.addAll(tokens(line));
      }
    }
    return tokens;
  }

  /**
   * Whether a line looks like base64 content: at least 60 chars, all from the base64 alphabet
   * ({@code A-Z a-z 0-9 + / =}), no spaces. Ordinary text lines always contain a space or
   * punctuation outside that alphabet.
   */
  static boolean isEncodedLine(String line) {
    String trimmed = line.strip();
    if (trimmed.length() < MIN_ENCODED_LINE) {
      return false;
    }
    for (int i = 0; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      boolean base64 =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/'
              || c == '=';
      if (!base64) {
        return false;
      }
    }
    return true;
  }

  /**
   * The feature index of a token: {@code murmur3(utf8(token), 42)} modulo {@code 2^hashBits},
   * non-negative.
   *
   * @throws IllegalArgumentException if hashBits is outside {@code [1, 30]}
   */
  static int index(String token, int hashBits) {
    checkHashBits(hashBits);
    return murmur3(token.getBytes(StandardCharsets.UTF_8), SEED) & ((1 << hashBits) - 1);
  }

  /** The hashed bag of words of a message: sorted distinct indices, values {@code log(1+tf)}. */
  static HashedTerms features(SpamMessage message, int hashBits) {
    checkHashBits(hashBits);
    List<String> tokens = tokens(message);
    int[] hashed = new int[tokens.size()];
    for (int i = 0; i < hashed.length; i++) {
      hashed[i] = index(tokens.get(i), hashBits);
    }
    Arrays.sort(hashed);
    int[] indices = new int[hashed.length];
    double[] values = new double[hashed.length];
    int distinct = 0;
    for (int i = 0; i < hashed.length; ) {
      int run = i;
      while (run < hashed.length && hashed[run] == hashed[i]) {
        run++;
      }
      indices[distinct] = hashed[i];
      values[distinct] = Math.log1p(run - i);
      distinct++;
      i = run;
    }
    return new HashedTerms(
        1 << hashBits, Arrays.copyOf(indices, distinct), Arrays.copyOf(values, distinct));
  }

  /** Checks that {@code hashBits} is in {@code [1, 30]}. */
  static void checkHashBits(int hashBits) {
    if (hashBits < 1 || hashBits > MAX_HASH_BITS) {
      throw new IllegalArgumentException(
          "Invalid hashBits: "
              + hashBits
              + " (must be in [1, "
              + MAX_HASH_BITS
              + "]; the feature dimension is 2^hashBits)");
    }
  }

  /**
   * MurmurHash3 x86 32-bit of {@code data} with {@code seed}, as in the reference C++ code: Spark's
   * {@code hashUnsafeBytes2} (the variant its {@code HashingTF} uses; {@code hashUnsafeBytes} mixes
   * the tail bytes differently from the reference).
   */
  static int murmur3(byte[] data, int seed) {
    return Murmur3_x86_32.hashUnsafeBytes2(data, Platform.BYTE_ARRAY_OFFSET, data.length, seed);
  }

  /**
   * A sparse feature vector without Spark types.
   *
   * @param size the dimension, {@code 2^hashBits}
   * @param indices strictly increasing indices in {@code [0, size)}
   * @param values the value at each index, {@code log(1 + tf)}
   */
  record HashedTerms(int size, int[] indices, double[] values) {}
}
