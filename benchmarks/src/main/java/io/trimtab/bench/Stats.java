package io.trimtab.bench;

import java.util.Arrays;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.commons.math3.stat.descriptive.rank.Percentile.EstimationType;

/** Summary statistics of the printed figures (commons-math3). */
final class Stats {
  private Stats() {}

  /**
   * The median: the middle value for an odd count, the mean of the two middle values for an even
   * one, computed as {@code (a + b) / 2}; NaN if there are none. Estimation type R_2 ("average at
   * discontinuities") does exactly that. The default (LEGACY) and R_7 give the same median in exact
   * arithmetic but compute {@code a + (b - a) / 2} in doubles, which can differ in the last bit
   * (0.4 instead of 0.39999999999999997 for 0.1 and 0.7) and so move a printed figure's last digit.
   */
  static double median(double... values) {
    return new Median().withEstimationType(EstimationType.R_2).evaluate(values);
  }

  /**
   * The median of times to a target, NaN counting as not reached (slower than any time); NaN if
   * there are none or the median is not reached. (Percentile cannot take the infinities that would
   * say "slowest": it interpolates 0 * infinity even at whole positions, giving NaN.)
   */
  static double medianReached(double... times) {
    int n = times.length;
    long unreached = Arrays.stream(times).filter(Double::isNaN).count();
    if (n == 0 || unreached >= n - n / 2) {
      return Double.NaN; // the (upper) middle value is among those not reached
    }
    // fewer than half not reached: they sort last and are none of the middle values
    return median(Arrays.stream(times).map(x -> Double.isNaN(x) ? Double.MAX_VALUE : x).toArray());
  }
}
