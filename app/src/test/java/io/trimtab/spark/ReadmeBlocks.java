package io.trimtab.spark;

import io.trimtab.app.Submitted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fenced code blocks of the repository's README.md, so that tests run its examples as written.
 */
final class ReadmeBlocks {
  static final Path README = Submitted.ROOT.resolve("README.md");

  private ReadmeBlocks() {}

  /**
   * The text of every block fenced as {@code ```language}, in order, each ending with a newline.
   *
   * @throws IllegalStateException naming the file and line if a block is not closed
   */
  static List<String> of(String language) {
    List<String> lines;
    try {
      lines = Files.readAllLines(README);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + README, e);
    }
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    int opened = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (block == null) {
        if (line.strip().equals("```" + language)) {
          block = new StringBuilder();
          opened = i + 1;
        }
      } else if (line.strip().equals("```")) {
        blocks.add(block.toString());
        block = null;
      } else {
        block.append(line).append('\n');
      }
    }
    if (block != null) {
      throw new IllegalStateException(
          README + ": the ```" + language + " block at line " + opened + " is not closed");
    }
    return blocks;
  }
}
