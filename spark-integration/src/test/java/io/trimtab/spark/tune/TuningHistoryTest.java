package io.trimtab.spark.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.tuner.PriorObservation;
import io.trimtab.tuner.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TuningHistoryTest {
  @TempDir Path dir;

  private static PriorObservation obs(String setting, double score) {
    return new PriorObservation(Setting.parse(setting), 0.5, score, 0.01);
  }

  @Test
  void saveThenLoad_roundTripsEveryObservation() {
    TuningHistory h = new TuningHistory(dir);
    String key = TuningHistory.key("logreg", 1 << 18, 4828, 2, 4, 10);
    assertThat(h.load(key)).isEmpty();
    h.save(
        key,
        List.of(obs("bsp/direct/hash/2sh/4w", 0.3), obs("ssp:1/executor-combine/range/1sh/2w", 0)));
    assertThat(h.load(key))
        .containsExactly(
            obs("bsp/direct/hash/2sh/4w", 0.3), obs("ssp:1/executor-combine/range/1sh/2w", 0));
  }

  @Test
  void keepsTheLastFiveJobsPerKey_andKeysApart() {
    TuningHistory h = new TuningHistory(dir);
    String key = TuningHistory.key("logreg", 100, 5000, 2, 4, 10);
    for (int job = 0; job < 7; job++) {
      h.save(key, List.of(obs("bsp/direct/hash/2sh/4w", job)));
    }
    h.save(
        TuningHistory.key("logreg", 100, 5000, 3, 6, 10),
        List.of(obs("asp/direct/hash/1sh/2w", 9)));
    assertThat(h.load(key))
        .extracting(PriorObservation::relativeScore)
        .containsExactly(2.0, 3.0, 4.0, 5.0, 6.0);
  }

  @Test
  void key_bucketsRowsByPowersOfTwo() {
    assertThat(TuningHistory.key("logreg", 100, 5000, 2, 4, 10))
        .isEqualTo(TuningHistory.key("logreg", 100, 6000, 2, 4, 10));
    assertThat(TuningHistory.key("logreg", 100, 5000, 2, 4, 10))
        .isNotEqualTo(TuningHistory.key("logreg", 100, 9000, 2, 4, 10));
  }

  @Test
  void unreadableFile_namesTheFileAndTheWayOut() throws Exception {
    TuningHistory h = new TuningHistory(dir);
    String key = TuningHistory.key("logreg", 100, 5000, 2, 4, 10);
    Files.writeString(h.file(key), "{not json");
    assertThatThrownBy(() -> h.load(key))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Unreadable tuning history " + h.file(key).toAbsolutePath())
        .hasMessageContaining("spark.trimtab.tuner.history=none");
  }
}
