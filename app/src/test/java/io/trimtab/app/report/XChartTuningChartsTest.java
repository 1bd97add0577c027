package io.trimtab.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.spark.tune.TuningReport;
import io.trimtab.tuner.Decision;
import io.trimtab.tuner.EpochObservation;
import io.trimtab.tuner.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XChartTuningChartsTest {

  @Test
  void tuningReport_withTheAppOnTheClassPath_drawsBothChartsAsPng(@TempDir Path dir)
      throws Exception {
    Setting s = Setting.defaults(2, 2);
    Decision first =
        new Decision(
            0, s, Decision.Action.BASELINE, "measure", Double.NaN, Double.NaN, List.of(), 0);
    EpochObservation o = new EpochObservation(1, s, 2.0, 0.0, new double[] {0.69, 0.5});
    Decision d = new Decision(1, s, Decision.Action.KEEP, "keep", 4.0, 0.5, List.of(), 0);
    TuningReport.Summary summary =
        new TuningReport.Summary(
            "t", List.of(new TuningReport.Step(o, 0, d)), first, 2, 0, 0, 0, 1, Double.NaN);

    Path html = TuningReport.write(dir, summary);

    byte[] pngMagic = {(byte) 0x89, 'P', 'N', 'G'};
    for (String chart : List.of("loss-vs-time.png", "eta.png")) {
      byte[] bytes = Files.readAllBytes(dir.resolve(chart));
      assertThat(bytes).hasSizeGreaterThan(1000).startsWith(pngMagic);
    }
    assertThat(Files.readString(html))
        .contains("Loss vs time, by setting", "Predicted vs actual ETA")
        .doesNotContain("No charts");
  }
}
