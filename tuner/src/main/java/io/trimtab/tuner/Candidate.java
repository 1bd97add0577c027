package io.trimtab.tuner;

import java.util.Locale;
import java.util.Objects;

/**
 * One setting as the tuner saw it when deciding.
 *
 * @param setting the setting
 * @param predictedSeconds predicted seconds from now to the target under this setting, switch
 *     included (infinite if it never gets there)
 * @param source where the prediction comes from
 * @param expectedImprovement expected improvement over the best measured setting in log-seconds (0
 *     for measured settings)
 */
public record Candidate(
    Setting setting, double predictedSeconds, Source source, double expectedImprovement) {

  public Candidate {
    Objects.requireNonNull(setting, "setting");
    Objects.requireNonNull(source, "source");
  }

  /** Whether the prediction comes from the setting's own measurements. */
  public boolean measured() {
    return source == Source.MEASURED;
  }

  /** Where a candidate's predicted time comes from. */
  public enum Source {
    /** Its own loss curve and epoch times in this job. */
    MEASURED,
    /** The Gaussian process over the settings measured so far. */
    MODEL,
    /** The Gaussian process, for a setting observed in finished similar jobs. */
    HISTORY;

    /** The lower-case name decision logs show ({@code "measured"}, {@code "model"}, ...). */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
