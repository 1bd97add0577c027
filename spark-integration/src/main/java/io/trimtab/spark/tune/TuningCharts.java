package io.trimtab.spark.tune;

import java.util.List;
import java.util.Objects;

/**
 * Draws the charts of a {@link TuningReport}. Found with {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/io.trimtab.spark.tune.TuningCharts} entry), so that the library carries no
 * charting dependency: the app jar provides one. Called on the driver after a tuned fit; an
 * exception thrown here fails the report, not the fit's model.
 */
public interface TuningCharts {

  /** One chart: its heading in the report, the PNG file it is also written to, and its bytes. */
  record Chart(String title, String fileName, byte[] png) {
    /**
     * @throws IllegalArgumentException if {@code fileName} is not a plain {@code .png} file name
     */
    public Chart {
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(png, "png");
      if (fileName == null || !fileName.matches("[A-Za-z0-9._-]+\\.png")) {
        throw new IllegalArgumentException(
            "Invalid chart file name: " + fileName + " (must be a plain file name ending in .png)");
      }
    }
  }

  /** The charts of {@code summary}, in the order the report shows them. */
  List<Chart> draw(TuningReport.Summary summary);
}
