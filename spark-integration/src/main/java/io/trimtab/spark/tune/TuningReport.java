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
import java.util.ServiceLoader;

/**
 * The tuning report of one job: a self-contained HTML page with the settings tried, every decision
 * with its reason and the tuner's own cost, and the charts of the {@link TuningCharts} found on the
 * class path (the app jar brings the loss against time by setting and the predicted against actual
 * time to the end), embedded and also written as PNG next to it. The library itself draws nothing,
 * so that it needs no charting dependency.
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

  /**
   * Writes {@code tuning-report.html} and the charts of every {@link TuningCharts} on this class's
   * class loader into {@code dir}; returns the HTML file.
   *
   * @throws UncheckedIOException naming {@code dir} if a file cannot be written
   */
  public static Path write(Path dir, Summary s) {
    List<TuningCharts.Chart> charts = new ArrayList<>();
    for (TuningCharts c :
        ServiceLoader.load(TuningCharts.class, TuningReport.class.getClassLoader())) {
      charts.addAll(c.draw(s));
    }
    return write(dir, s, charts);
  }

  /** Writes {@code tuning-report.html} with {@code charts} into {@code dir}; returns the file. */
  static Path write(Path dir, Summary s, List<TuningCharts.Chart> charts) {
    try {
      Files.createDirectories(dir);
      for (TuningCharts.Chart c : charts) {
        Files.write(dir.resolve(c.fileName()), c.png());
      }
      Path html = dir.resolve("tuning-report.html");
      Files.writeString(html, html(s, charts), StandardCharsets.UTF_8);
      return html;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the tuning report into " + dir.toAbsolutePath() + ": " + e, e);
    }
  }

  private static String html(Summary s, List<TuningCharts.Chart> charts) {
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
    if (charts.isEmpty()) {
      b.append(
          "<p>No charts: the app jar (trimtab-app) brings them; it is not on the class path.</p>");
    }
    for (TuningCharts.Chart c : charts) {
      b.append("<h2>").append(esc(c.title())).append("</h2>").append(img(c.png()));
    }
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
