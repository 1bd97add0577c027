package io.trimtab.spark.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.tuner.Decision;
import io.trimtab.tuner.EpochObservation;
import io.trimtab.tuner.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TuningReportTest {

  static TuningReport.Summary summary() {
    Setting s = Setting.defaults(2, 2);
    Decision first =
        new Decision(
            0,
            s,
            Decision.Action.BASELINE,
            "measure the default",
            Double.NaN,
            Double.NaN,
            List.of(),
            0.001);
    EpochObservation o = new EpochObservation(1, s, 2.0, 0.0, new double[] {0.69, 0.5, 0.4});
    Decision d =
        new Decision(1, s, Decision.Action.KEEP, "no better setting", 6.0, 0.4, List.of(), 0.002);
    return new TuningReport.Summary(
        "spam <test>",
        List.of(new TuningReport.Step(o, 0.0, d)),
        first,
        2.1,
        0.003,
        0.01,
        0.0,
        1.0,
        Double.NaN);
  }

  @Test
  void write_withoutChartsOnTheClassPath_writesTablesAndSaysWhereChartsComeFrom(@TempDir Path dir)
      throws Exception {
    Path html = TuningReport.write(dir, summary());

    String page = Files.readString(html);
    assertThat(html.getFileName().toString()).isEqualTo("tuning-report.html");
    assertThat(page)
        .contains("spam &lt;test&gt;", "no better setting", "measure the default", "No charts")
        .doesNotContain("<img");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("tuning-report.html");
    }
  }

  @Test
  void write_withCharts_embedsAndWritesEachAsPng(@TempDir Path dir) throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
    Path html =
        TuningReport.write(
            dir, summary(), List.of(new TuningCharts.Chart("Loss & time", "loss.png", png)));

    assertThat(Files.readString(html))
        .contains("<h2>Loss &amp; time</h2><img")
        .doesNotContain("No charts");
    assertThat(dir.resolve("loss.png")).hasBinaryContent(png);
  }

  @Test
  void chart_withPathInFileName_throwsNamingIt() {
    assertThatThrownBy(() -> new TuningCharts.Chart("t", "../x.png", new byte[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid chart file name: ../x.png (must be a plain file name ending in .png)");
  }
}
