package io.trimtab.tuner.progress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recorded grid benchmark (test resources {@code curves/grid-<workload>.csv} and {@code
 * -summary.csv}): one loss curve per static setting, with the summary's target loss and the time
 * each setting took to reach it.
 */
public record RecordedGrid(String workload, double targetLoss, Map<String, Curve> curves) {

  /** One setting's curve, one entry per epoch. */
  public record Curve(
      String setting,
      double[] epochs,
      double[] epochSeconds,
      double[] elapsedSeconds,
      double[] losses,
      double timeToTarget) {

    /** First elapsed time at which the loss is at most {@code target}, or +infinity if never. */
    public double timeTo(double target) {
      for (int i = 0; i < losses.length; i++) {
        if (losses[i] <= target) {
          return elapsedSeconds[i];
        }
      }
      return Double.POSITIVE_INFINITY;
    }
  }

  public static RecordedGrid load(String workload) {
    Map<String, List<double[]>> rows = new LinkedHashMap<>();
    for (String[] f : read("curves/grid-" + workload + ".csv")) {
      // workload,setting,staleness,aggregation,partitioner,shards,workers,epoch,epoch_seconds,elapsed_seconds,train_loss,...
      rows.computeIfAbsent(f[1], s -> new ArrayList<>())
          .add(
              new double[] {
                Double.parseDouble(f[7]),
                Double.parseDouble(f[8]),
                Double.parseDouble(f[9]),
                Double.parseDouble(f[10])
              });
    }
    Map<String, Double> times = new LinkedHashMap<>();
    double target = Double.NaN;
    for (String[] f : read("curves/grid-" + workload + "-summary.csv")) {
      // setting,time_to_target_s,target_loss,final_loss,epochs,budget_s; never reached: empty or
      // NaN
      double time = f[1].isBlank() ? Double.NaN : Double.parseDouble(f[1]);
      times.put(f[0], Double.isNaN(time) ? Double.POSITIVE_INFINITY : time);
      target = Double.parseDouble(f[2]);
    }
    Map<String, Curve> curves = new LinkedHashMap<>();
    rows.forEach(
        (setting, epochs) -> {
          int n = epochs.size();
          double[][] columns = new double[4][n];
          for (int i = 0; i < n; i++) {
            for (int c = 0; c < 4; c++) {
              columns[c][i] = epochs.get(i)[c];
            }
          }
          Double time = times.get(setting);
          if (time == null) {
            throw new IllegalStateException(
                "No summary row for setting " + setting + " of " + workload);
          }
          curves.put(
              setting, new Curve(setting, columns[0], columns[1], columns[2], columns[3], time));
        });
    return new RecordedGrid(workload, target, curves);
  }

  private static List<String[]> read(String resource) {
    InputStream in = RecordedGrid.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("Missing test resource " + resource);
    }
    List<String[]> out = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      boolean header = true;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (header) {
          header = false;
          continue;
        }
        out.add(line.split(",", -1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
