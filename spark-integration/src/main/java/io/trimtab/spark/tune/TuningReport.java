package io.trimtab.spark.tune;

import io.trimtab.tuner.Decision;
import io.trimtab.tuner.EpochObservation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The tuning report of one job: a self-contained HTML page (charts embedded, also written as PNG
 * next to it) with the training loss against time coloured by setting (the path the tuner chose),
 * the predicted time to the target at every decision against the time it really took, the settings
 * tried, every decision with its reason, and the tuner's own cost.
 */
public final class TuningReport {

  /** One epoch as the report shows it: what ran, and what the tuner decided after it. */
  public record Step(EpochObservation observation, double startSeconds, Decision decision) {}

  /**
   * What the whole job did.
   *
   * @param title headline, e.g. the job's model and data
   * @param steps every epoch in order
   * @param first the decision before the first epoch
   * @param wallSeconds the job's wall time (epochs, switches and the tuner)
   * @param tunerSeconds time spent deciding (estimation and search)
   * @param instrumentationSeconds time spent writing the decision log and history
   * @param worstLagSeconds worst lag behind the first setting during exploration
   * @param guardSeconds the lag after which exploration stops
   * @param targetReachedSeconds when the target was reached, NaN if not
   */
  public record Summary(
      String title,
      List<Step> steps,
      Decision first,
      double wallSeconds,
      double tunerSeconds,
      double instrumentationSeconds,
      double worstLagSeconds,
      double guardSeconds,
      double targetReachedSeconds) {}

  private TuningReport() {}

  /** Writes {@code tuning-report.html} and its charts into {@code dir}; returns the HTML file. */
  public static Path write(Path dir, Summary s) {
    try {
      Files.createDirectories(dir);
      byte[] loss = png(lossChart(s));
      byte[] eta = png(etaChart(s));
      Files.write(dir.resolve("loss-vs-time.png"), loss);
      Files.write(dir.resolve("eta.png"), eta);
      Path html = dir.resolve("tuning-report.html");
      Files.writeString(html, html(s, loss, eta), StandardCharsets.UTF_8);
      return html;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the tuning report into " + dir.toAbsolutePath() + ": " + e, e);
    }
  }

  private static XYChart lossChart(Summary s) {
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
    for (Step st : s.steps()) {
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

  private static XYChart etaChart(Summary s) {
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
    for (Step st : s.steps()) {
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

  private static String html(Summary s, byte[] loss, byte[] eta) {
    StringBuilder b = new StringBuilder();
    b.append(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Trimtab tuning report</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append(
            "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}</style></head><body>");
    b.append("<h1>Trimtab tuning report</h1><p>").append(esc(s.title())).append("</p>");
    double own = s.tunerSeconds() + s.instrumentationSeconds();
    b.append(
        String.format(
            Locale.ROOT,
            "<p>Wall time %.2f s; %s. Tuner's own cost %.3f s (%.2f%% of the wall time: "
                + "decisions %.3f s, log and history %.3f s). Worst lag behind the first setting while exploring %.2f s "
                + "(guard %.2f s).</p>",
            s.wallSeconds(),
            Double.isNaN(s.targetReachedSeconds())
                ? "target not reached"
                : String.format(Locale.ROOT, "target reached at %.2f s", s.targetReachedSeconds()),
            own,
            100 * own / s.wallSeconds(),
            s.tunerSeconds(),
            s.instrumentationSeconds(),
            s.worstLagSeconds(),
            s.guardSeconds()));
    b.append("<h2>Loss vs time, by setting (the chosen path)</h2>").append(img(loss));
    b.append("<h2>Predicted vs actual ETA</h2>").append(img(eta));
    b.append(
            "<h2>Settings tried</h2><table><tr><th>setting</th><th>epochs</th><th>seconds/iteration (median)</th>")
        .append("<th>loss at start</th><th>loss at end</th></tr>");
    Map<String, List<EpochObservation>> tried = new LinkedHashMap<>();
    s.steps()
        .forEach(
            st ->
                tried
                    .computeIfAbsent(st.observation().setting().toString(), k -> new ArrayList<>())
                    .add(st.observation()));
    tried.forEach(
        (name, obs) -> {
          double[] spi =
              obs.stream().mapToDouble(EpochObservation::secondsPerIteration).sorted().toArray();
          b.append(
              String.format(
                  Locale.ROOT,
                  "<tr><td>%s</td><td>%d</td><td>%.4f</td><td>%.4f</td><td>%.4f</td></tr>",
                  esc(name),
                  obs.size(),
                  spi[spi.length / 2],
                  obs.get(0).clockLosses()[0],
                  obs.get(obs.size() - 1).clockLosses()[obs.get(obs.size() - 1).iterations() - 1]));
        });
    b.append(
            "</table><h2>Decisions</h2><table><tr><th>after epoch</th><th>loss</th><th>s/iteration</th>")
        .append("<th>action</th><th>next setting</th><th>ETA (s)</th><th>reason</th></tr>");
    b.append(
        String.format(
            Locale.ROOT,
            "<tr><td>-</td><td></td><td></td><td>%s</td><td>%s</td><td></td><td>%s</td></tr>",
            s.first().action(),
            esc(s.first().setting().toString()),
            esc(s.first().reason())));
    for (Step st : s.steps()) {
      Decision d = st.decision();
      if (d == null) {
        continue;
      }
      b.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%d</td><td>%.4f</td><td>%.4f</td><td>%s</td><td>%s</td>"
                  + "<td>%.2f</td><td>%s</td></tr>",
              st.observation().epoch(),
              d.currentLoss(),
              st.observation().secondsPerIteration(),
              d.action(),
              esc(d.setting().toString()),
              d.etaSeconds(),
              esc(d.reason())));
    }
    return b.append("</table></body></html>\n").toString();
  }

  private static String img(byte[] png) {
    return "<img alt=\"chart\" src=\"data:image/png;base64,"
        + Base64.getEncoder().encodeToString(png)
        + "\">";
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
