package io.trimtab.spark.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Zeppelin note ({@code .zpln}, the JSON that Zeppelin 0.9+ stores and exports): its name, id and
 * paragraphs in order. Only what running the note needs is modelled; the whole JSON tree is kept so
 * that an executed copy with each paragraph's output can be written back ({@link #withResults}).
 *
 * <p>A paragraph's text starts with its interpreter ({@code %spark}, {@code %java}, {@code
 * %md}...); text without one uses the note's {@code defaultInterpreterGroup}, as in Zeppelin.
 *
 * @param source where the note was read from (for messages)
 * @param name the note's name
 * @param id the note's id
 * @param paragraphs the paragraphs, in the order Zeppelin runs them
 * @param json the note as read
 */
public record ZeppelinNote(
    String source, String name, String id, List<Paragraph> paragraphs, JsonNode json) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ZeppelinNote {
    paragraphs = List.copyOf(paragraphs);
  }

  /**
   * One paragraph.
   *
   * @param index 1-based position in the note
   * @param id the paragraph's id
   * @param title its title ("" when it has none)
   * @param interpreter the interpreter name without {@code %}, e.g. {@code spark}, {@code java},
   *     {@code md}
   * @param code the text after the interpreter line
   */
  public record Paragraph(int index, String id, String title, String interpreter, String code) {
    /** "paragraph 3 "Train" (%spark)", for messages. */
    public String describe() {
      return "paragraph "
          + index
          + (title.isEmpty() ? "" : " \"" + title + "\"")
          + " (%"
          + interpreter
          + ")";
    }
  }

  /** Reads a {@code .zpln} file. */
  public static ZeppelinNote read(Path file) {
    try {
      return parse(Files.readString(file), file.getFileName().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the note " + file.toAbsolutePath() + ": " + e, e);
    }
  }

  /**
   * A note made in code, as if read from {@code name + ".zpln"}.
   *
   * @param paragraphs each a {title, text} pair
   */
  public static ZeppelinNote of(String name, String[]... paragraphs) {
    ObjectNode root =
        JSON.createObjectNode()
            .put("name", name)
            .put("id", "")
            .put("defaultInterpreterGroup", "spark");
    ArrayNode items = root.putArray("paragraphs");
    for (String[] p : paragraphs) {
      items
          .addObject()
          .put("id", "paragraph_" + (items.size() + 1))
          .put("title", p[0])
          .put("text", p[1])
          .put("status", "READY");
    }
    return parse(root.toString(), name + ".zpln");
  }

  /**
   * Parses a note's JSON.
   *
   * @param source a name for messages, e.g. the file name
   * @throws IllegalArgumentException naming the source if the JSON is malformed or lacks {@code
   *     name} or {@code paragraphs}, or a paragraph lacks {@code text}
   */
  public static ZeppelinNote parse(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Note " + source + " is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("Note " + source + " is not a JSON object");
    }
    String name = requiredText(root, "name", source);
    JsonNode items = root.get("paragraphs");
    if (items == null || !items.isArray()) {
      throw new IllegalArgumentException("Note " + source + " has no \"paragraphs\" array");
    }
    String defaultInterpreter = root.path("defaultInterpreterGroup").asText("spark");
    List<Paragraph> paragraphs = new ArrayList<>();
    for (JsonNode p : items) {
      int index = paragraphs.size() + 1;
      String text = requiredText(p, "text", source + " paragraph " + index);
      String interpreter = defaultInterpreter;
      String code = text;
      if (text.startsWith("%")) {
        int end = 1;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
          end++;
        }
        interpreter = text.substring(1, end);
        code = end < text.length() ? text.substring(end + 1) : "";
      }
      paragraphs.add(
          new Paragraph(
              index, p.path("id").asText(""), p.path("title").asText(""), interpreter, code));
    }
    return new ZeppelinNote(source, name, root.path("id").asText(""), paragraphs, root);
  }

  /**
   * This note's JSON with each run paragraph's status and output, as Zeppelin would have saved it
   * after "Run all": {@code results.msg} holds TEXT messages, and HTML ones for output after a line
   * that starts with {@code %html} (Zeppelin's display system).
   *
   * @param runs the runs, by paragraph index; paragraphs without one, or skipped, are left as they
   *     were
   */
  public String withResults(Map<Integer, ParagraphRun> runs) {
    ObjectNode copy = json.deepCopy();
    int index = 0;
    for (JsonNode p : copy.get("paragraphs")) {
      ParagraphRun run = runs.get(++index);
      if (run == null || run.status() == ParagraphRun.Status.SKIPPED) {
        continue;
      }
      ObjectNode paragraph = (ObjectNode) p;
      paragraph.put("status", run.status().name());
      ObjectNode results = paragraph.putObject("results");
      results.put("code", run.status() == ParagraphRun.Status.ERROR ? "ERROR" : "SUCCESS");
      ArrayNode msg = results.putArray("msg");
      for (String[] part : displayParts(run.output())) {
        msg.addObject().put("type", part[0]).put("data", part[1]);
      }
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(copy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Splits output into (type, data) parts at lines starting with {@code %html} or {@code %text}.
   */
  static List<String[]> displayParts(String output) {
    List<String[]> parts = new ArrayList<>();
    String type = "TEXT";
    StringBuilder data = new StringBuilder();
    for (String line : output.split("(?<=\n)")) {
      String directive =
          line.startsWith("%html") ? "HTML" : line.startsWith("%text") ? "TEXT" : null;
      if (directive == null) {
        data.append(line);
        continue;
      }
      if (!data.isEmpty()) {
        parts.add(new String[] {type, data.toString()});
      }
      type = directive;
      data = new StringBuilder(line.substring("%html".length()).stripLeading());
    }
    if (!data.isEmpty() || parts.isEmpty()) {
      parts.add(new String[] {type, data.toString()});
    }
    return parts;
  }

  private static String requiredText(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("Note " + where + " has no \"" + field + "\" text");
    }
    return value.asText();
  }
}
