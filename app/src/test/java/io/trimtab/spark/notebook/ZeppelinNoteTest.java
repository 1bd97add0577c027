package io.trimtab.spark.notebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZeppelinNoteTest {

  @Test
  void parse_readsNameAndParagraphs_withTheirInterpreters() {
    ZeppelinNote note =
        ZeppelinNote.parse(
            """
        {"name": "Demo", "id": "2ABC", "defaultInterpreterGroup": "spark", "paragraphs": [
          {"id": "p1", "title": "Intro", "text": "%md # Hello"},
          {"id": "p2", "text": "%spark\\nval x = 1\\nx + 1"},
          {"id": "p3", "text": "val y = 2"},
          {"id": "p4", "text": "%java"}
        ]}""",
            "demo.zpln");

    assertThat(note.name()).isEqualTo("Demo");
    assertThat(note.id()).isEqualTo("2ABC");
    assertThat(note.paragraphs())
        .containsExactly(
            new ZeppelinNote.Paragraph(1, "p1", "Intro", "md", "# Hello"),
            new ZeppelinNote.Paragraph(2, "p2", "", "spark", "val x = 1\nx + 1"),
            new ZeppelinNote.Paragraph(3, "p3", "", "spark", "val y = 2"),
            new ZeppelinNote.Paragraph(4, "p4", "", "java", ""));
    assertThat(note.paragraphs().get(0).describe()).isEqualTo("paragraph 1 \"Intro\" (%md)");
  }

  @Test
  void parse_rejectsWhatIsNotANote_namingTheSource() {
    assertThatThrownBy(() -> ZeppelinNote.parse("{", "bad.zpln"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Note bad.zpln is not valid JSON");
    assertThatThrownBy(() -> ZeppelinNote.parse("{\"name\": \"x\"}", "bad.zpln"))
        .hasMessage("Note bad.zpln has no \"paragraphs\" array");
    assertThatThrownBy(() -> ZeppelinNote.parse("{\"paragraphs\": []}", "bad.zpln"))
        .hasMessage("Note bad.zpln has no \"name\" text");
    assertThatThrownBy(
            () ->
                ZeppelinNote.parse(
                    "{\"name\": \"x\", \"paragraphs\": [{\"id\": \"p\"}]}", "bad.zpln"))
        .hasMessage("Note bad.zpln paragraph 1 has no \"text\" text");
  }

  @Test
  void displayParts_splitsOutputAtZeppelinDisplayDirectives() {
    List<String[]> parts =
        ZeppelinNote.displayParts("epoch 1\nepoch 2\n%html <b>report</b>\n<i>end</i>\n");

    assertThat(parts).hasSize(2);
    assertThat(parts.get(0)).containsExactly("TEXT", "epoch 1\nepoch 2\n");
    assertThat(parts.get(1)).containsExactly("HTML", "<b>report</b>\n<i>end</i>\n");
    assertThat(ZeppelinNote.displayParts("")).hasSize(1);
  }
}
