package io.trimtab.app.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the data directory comes from, and the error for missing data. */
class DataDirTest {

  @Test
  void root_prefersPropertyThenEnvironmentThenHome() {
    assertThat(DataDir.root("/p", "/e", "/h")).isEqualTo(Paths.get("/p"));
    assertThat(DataDir.root(null, "/e", "/h")).isEqualTo(Paths.get("/e"));
    assertThat(DataDir.root("", " ", "/h")).isEqualTo(Paths.get("/h/.cache/trimtab/data"));
  }

  @Test
  void source_namesWhereTheDirectoryCameFrom() {
    assertThat(DataDir.source("/p", "/e")).isEqualTo("system property trimtab.data");
    assertThat(DataDir.source(null, "/e")).isEqualTo("environment variable TRIMTAB_DATA");
    assertThat(DataDir.source(null, null)).isEqualTo("default ~/.cache/trimtab/data");
  }

  @Test
  void require_existingFile_returnsIt(@TempDir Path root) throws Exception {
    Path file = Files.writeString(root.resolve("heart_scale"), "+1 1:0.5\n");

    assertThat(DataDir.require(root, "heart_scale", "test")).isEqualTo(file);
  }

  @Test
  void require_missingFile_throwsNamingPathAndFix(@TempDir Path root) {
    assertThatThrownBy(() -> DataDir.require(root, "spam-assassin/file_list.json", "test"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Missing built-in data: "
                + root.resolve("spam-assassin/file_list.json")
                + " does not exist (data directory "
                + root
                + ", from test).")
        .hasMessageEndingWith(
            "Run bin/fetch-data to fetch the built-in data sets"
                + " (for this directory: TRIMTAB_DATA="
                + root
                + " bin/fetch-data).");
  }
}
