package io.trimtab.app.report;

import io.trimtab.spark.tune.TuningCharts;
import io.trimtab.spark.tune.TuningReport;
import io.trimtab.tuner.EpochObservation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The tuning report's charts, drawn with XChart: the training loss against time coloured by setting
 * (the path the tuner chose), and the predicted time to the end at every decision against the time
 * it really took. Registered in {@code META-INF/services}; stateless and thread-safe.
 */
public final class XChartTuningCharts implements TuningCharts {

  @Override
  public List<Chart> draw(TuningReport.Summary s) {
    try {
      return List.of(
          new Chart(
              "Loss vs time, by setting (the chosen path)", "loss-vs-time.png", png(lossChart(s))),
          new Chart("Predicted vs actual ETA", "eta.png", png(etaChart(s))));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot draw the tuning report's charts: " + e, e);
    }
  }

  private static XYChart lossChart(TuningReport.Summary s) {
    XYChart c =
        new XYChartBuilder()
            .width(1100)
            .height(600)
            .title("Training loss vs time, by setting")
            .xAxisTitle("seconds since the job started")
            .yAxisTitle("training loss (per clock)")
            .build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    c.getStyler().setMarkerSize(5);
    Map<String, List<double[]>> bySetting = new LinkedHashMap<>();
    for (TuningReport.Step st : s.steps()) {
      EpochObservation o = st.observation();
      double[] l = o.clockLosses();
      double t0 = st.startSeconds() + o.switchSeconds();
      for (int i = 0; i < l.length; i++) {
        bySetting
            .computeIfAbsent(o.setting().toString(), k -> new ArrayList<>())
            .add(new double[] {t0 + o.seconds() * (i + 1) / l.length, l[i]});
      }
    }
    bySetting.forEach(
        (name, pts) ->
            c.addSeries(
                    name,
                    pts.stream().mapToDouble(p -> p[0]).toArray(),
                    pts.stream().mapToDouble(p -> p[1]).toArray())
                .setMarker(SeriesMarkers.CIRCLE));
    return c;
  }

  private static XYChart etaChart(TuningReport.Summary s) {
    XYChart c =
        new XYChartBuilder()
            .width(1100)
            .height(450)
            .title("Predicted vs actual time to the end")
            .xAxisTitle("seconds since the job started")
            .yAxisTitle("seconds left")
            .build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    double end =
        Double.isNaN(s.targetReachedSeconds()) ? s.wallSeconds() : s.targetReachedSeconds();
    List<double[]> predicted = new ArrayList<>();
    List<double[]> actual = new ArrayList<>();
    for (TuningReport.Step st : s.steps()) {
      double at = st.startSeconds() + st.observation().switchSeconds() + st.observation().seconds();
      actual.add(new double[] {at, Math.max(0, end - at)});
      if (st.decision() != null && Double.isFinite(st.decision().etaSeconds())) {
        predicted.add(new double[] {at, st.decision().etaSeconds()});
      }
    }
    add(c, "actual", actual, SeriesMarkers.NONE);
    add(c, "predicted (ETA of the chosen setting)", predicted, SeriesMarkers.DIAMOND);
    return c;
  }

  private static void add(
      XYChart c, String name, List<double[]> pts, org.knowm.xchart.style.markers.Marker m) {
    if (pts.isEmpty()) {
      return;
    }
    c.addSeries(
            name,
            pts.stream().mapToDouble(p -> p[0]).toArray(),
            pts.stream().mapToDouble(p -> p[1]).toArray())
        .setMarker(m);
  }

  private static byte[] png(XYChart c) throws IOException {
    return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
  }
}
