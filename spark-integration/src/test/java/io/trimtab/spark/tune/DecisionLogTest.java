package io.trimtab.spark.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trimtab.tuner.Decision;
import io.trimtab.tuner.EpochObservation;
import io.trimtab.tuner.Setting;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionLogTest {
  private static final Setting S = Setting.defaults(2, 2);

  private static Decision decision(int next) {
    return new Decision(
        next, S, Decision.Action.KEEP, "reason " + next, 1.5, 0.4, List.of(), 0.001);
  }

  @Test
  void everyLine_isWrittenInOrder_byTheTimeTheLogIsClosed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("job/decisions.jsonl");
    DecisionLog log = new DecisionLog(file);
    log.write(null, decision(1), 0);
    for (int e = 1; e <= 200; e++) {
      log.write(new EpochObservation(e, S, 0.5, 0, new double[] {0.5, 0.4}), decision(e + 1), e);
    }
    log.close();
    log.close();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(201);
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(lines.get(0)).get("observation").isNull()).isTrue();
    for (int e = 1; e <= 200; e++) {
      JsonNode n = json.readTree(lines.get(e));
      assertThat(n.at("/observation/epoch").asInt()).isEqualTo(e);
      assertThat(n.get("reason").asText()).isEqualTo("reason " + (e + 1));
    }
  }

  @Test
  void aLogThatCannotBeWritten_failsNamingTheFile(@TempDir Path dir) throws Exception {
    Path blocker = Files.writeString(dir.resolve("not-a-directory"), "x");
    DecisionLog log = new DecisionLog(blocker.resolve("decisions.jsonl"));
    log.write(null, decision(1), 0);
    assertThatThrownBy(log::close)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("Cannot write the tuner's decision log " + blocker.toAbsolutePath());
  }
}
