package io.trimtab.app.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.app.data.SpamTokenizer.HashedTerms;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.feature.HashingTF;
import org.junit.jupiter.api.Test;

/** Tokenizing, hashing and parsing of SpamAssassin records; no Spark session, no data files. */
class SpamTokenizerTest {

  /** Index of "free" with 18 bits, pinned: it must not change between runs, JVMs or releases. */
  private static final int FREE_18 = 237761;

  /** Index of "money" with 18 bits, pinned. */
  private static final int MONEY_18 = 134711;

  private static final String RECORD =
      "{\"id\":\"00042\",\"group\":\"spam-2\","
          + "\"checksum\":{\"type\":\"MD5\",\"value\":\"0123456789abcdef0123456789abcdef\"},"
          + "\"text\":\"From a@b.c  Thu Aug 22 12:36:23 2002\\nReceived: from mx.example\\n"
          + "Subject: FREE money,\\n\\tact NOW\\nFrom: a@b.c\\n\\nClick here!\\nFree free.\\n\"}";

  @Test
  void tokens_lowercaseRunsOfLettersAndDigits() {
    assertThat(SpamTokenizer.tokens("Hello, WORLD! It's 2002 -- x_y <b>bold</b>"))
        .containsExactly("hello", "world", "it", "2002", "bold");
  }

  @Test
  void tokens_keepTwoToThirtyChars() {
    String thirty = "a".repeat(30);
    String thirtyOne = "b".repeat(31);
    assertThat(SpamTokenizer.tokens("a " + thirty + " " + thirtyOne + " ok"))
        .containsExactly(thirty, "ok");
  }

  @Test
  void tokens_keepNonAsciiLetters() {
    assertThat(SpamTokenizer.tokens("Café ÜBER naïve")).containsExactly("café", "über", "naïve");
  }

  @Test
  void tokens_emptyText_isEmpty() {
    assertThat(SpamTokenizer.tokens("")).isEmpty();
    assertThat(SpamTokenizer.tokens(" ,;- ")).isEmpty();
  }

  @Test
  void murmur3_matchesReferenceVectors() {
    // Published MurmurHash3_x86_32 test vectors (seed 0 unless stated).
    assertThat(SpamTokenizer.murmur3(new byte[0], 0)).isEqualTo(0);
    assertThat(SpamTokenizer.murmur3(new byte[0], 1)).isEqualTo(0x514e28b7);
    assertThat(SpamTokenizer.murmur3(utf8("hello"), 0)).isEqualTo(0x248bfa47);
    assertThat(SpamTokenizer.murmur3(utf8("The quick brown fox jumps over the lazy dog"), 0))
        .isEqualTo(0x2e4ff723);
    // Tails of 1 to 3 bytes and a full 4-byte block.
    assertThat(SpamTokenizer.murmur3(new byte[] {0x21}, 0)).isEqualTo(0x72661cf4);
    assertThat(SpamTokenizer.murmur3(new byte[] {0x21, 0x43}, 0)).isEqualTo(0xa0f7b07a);
    assertThat(SpamTokenizer.murmur3(new byte[] {0x21, 0x43, 0x65}, 0)).isEqualTo(0x7e4a8634);
    assertThat(SpamTokenizer.murmur3(new byte[] {0x21, 0x43, 0x65, (byte) 0x87}, 0))
        .isEqualTo(0xf55b516b);
    assertThat(SpamTokenizer.murmur3(new byte[] {0x21, 0x43, 0x65, (byte) 0x87}, 0x5082edee))
        .isEqualTo(0x2362f9de);
  }

  @Test
  void index_matchesSparkHashingTF() {
    for (int hashBits : new int[] {1, 10, 18, 20}) {
      HashingTF spark = new HashingTF().setNumFeatures(1 << hashBits);
      for (String token : List.of("free", "money", "ab", "café", "2002", "x".repeat(30))) {
        assertThat(SpamTokenizer.index(token, hashBits))
            .as("index of '%s' with %d bits", token, hashBits)
            .isEqualTo(spark.indexOf(token));
      }
    }
  }

  @Test
  void index_isStableAcrossRunsAndInRange() {
    // Pinned values: a change here changes every spam feature vector.
    assertThat(SpamTokenizer.index("free", 18)).isEqualTo(FREE_18);
    assertThat(SpamTokenizer.index("money", 18)).isEqualTo(MONEY_18);
    for (int hashBits = 1; hashBits <= SpamTokenizer.MAX_HASH_BITS; hashBits++) {
      for (String token : SpamTokenizer.tokens(RECORD)) {
        assertThat(SpamTokenizer.index(token, hashBits)).isBetween(0, (1 << hashBits) - 1);
      }
    }
  }

  @Test
  void index_rejectsHashBitsOutOfRange() {
    assertThatThrownBy(() -> SpamTokenizer.index("free", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid hashBits: 0 (must be in [1, 30]; the feature dimension is 2^hashBits)");
    assertThatThrownBy(() -> SpamTokenizer.index("free", 31))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid hashBits: 31 (must be in [1, 30]");
  }

  @Test
  void fromJson_parsesRecordAndKeepsSubjectAndBody() {
    SpamMessage message = SpamMessage.fromJson(RECORD);

    assertThat(message.id()).isEqualTo("00042");
    assertThat(message.group()).isEqualTo("spam-2");
    assertThat(message.label()).isEqualTo(1.0);
    assertThat(message.subject()).isEqualTo("FREE money, act NOW");
    assertThat(message.body()).isEqualTo("Click here!\nFree free.\n");
  }

  @Test
  void fromRaw_handlesCrLfMissingSubjectAndMissingBody() {
    SpamMessage crlf =
        SpamMessage.fromRaw("1", "easy-ham-1", "subject: Hi\r\nX: y\r\n\r\nBody\r\n");
    assertThat(crlf.subject()).isEqualTo("Hi");
    assertThat(crlf.body()).isEqualTo("Body\n");
    assertThat(crlf.label()).isEqualTo(0.0);

    SpamMessage headersOnly = SpamMessage.fromRaw("2", "hard-ham-1", "From: a\nTo: b");
    assertThat(headersOnly.subject()).isEmpty();
    assertThat(headersOnly.body()).isEmpty();
  }

  @Test
  void fromJson_missingField_throwsNamingIt() {
    assertThatThrownBy(() -> SpamMessage.fromJson("{\"id\":\"1\",\"group\":\"spam-1\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field 'text' is missing");
    assertThatThrownBy(() -> SpamMessage.fromJson("[1, 2]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected a JSON object");
    assertThatThrownBy(() -> SpamMessage.fromJson("{not json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid SpamAssassin record: not JSON");
  }

  @Test
  void fromRaw_unknownGroup_throws() {
    assertThatThrownBy(() -> SpamMessage.fromRaw("1", "misc", "Subject: x\n\nbody"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Unknown SpamAssassin group 'misc'");
  }

  @Test
  void features_countRepeatsAsLog1pAndSortIndices() {
    HashedTerms terms = SpamTokenizer.features(SpamMessage.fromJson(RECORD), 18);

    assertThat(terms.size()).isEqualTo(1 << 18);
    // Tokens: free money act now click here free free -> free x3, the others x1.
    assertThat(terms.indices()).isSorted().doesNotHaveDuplicates().hasSize(6);
    int free = Arrays.binarySearch(terms.indices(), FREE_18);
    assertThat(terms.values()[free]).isEqualTo(Math.log1p(3));
    int money = Arrays.binarySearch(terms.indices(), MONEY_18);
    assertThat(terms.values()[money]).isEqualTo(Math.log1p(1));
  }

  @Test
  void features_skipBase64Lines() {
    String encoded = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7R0lGODlhAQAB";
    assertThat(SpamTokenizer.isEncodedLine(encoded)).isTrue();
    String text = "A perfectly ordinary line of text that is longer than sixty chars.";
    assertThat(SpamTokenizer.isEncodedLine(text)).isFalse();

    SpamMessage message =
        SpamMessage.fromRaw("1", "spam-1", "Subject: pic\n\nsee\n" + encoded + "\n");
    assertThat(SpamTokenizer.tokens(message)).containsExactly("pic", "see");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
