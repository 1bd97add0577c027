package io.trimtab.ps.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StorageTest {

  @Test
  void slotIndex_findsEveryKey_andOnlyThose() {
    LongSlotIndex index = new LongSlotIndex();
    Map<Long, Integer> reference = new HashMap<>();
    SplittableRandom rnd = new SplittableRandom(5);
    long[] special = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1};
    for (long k : special) {
      index.put(k, reference.size());
      reference.put(k, reference.size());
    }
    while (reference.size() < 300_000) {
      long k = rnd.nextInt(4) == 0 ? rnd.nextLong(1_000_000) : rnd.nextLong();
      if (!reference.containsKey(k)) {
        assertThat(index.get(k)).isEqualTo(-1);
        index.put(k, reference.size());
        reference.put(k, reference.size());
      }
    }
    assertThat(index.size()).isEqualTo(300_000);
    reference.forEach((k, slot) -> assertThat(index.get(k)).isEqualTo(slot));
    for (int i = 0; i < 10_000; i++) {
      long k = rnd.nextLong();
      assertThat(index.get(k)).isEqualTo(reference.getOrDefault(k, -1));
    }
    // capacity stays within 2x of the keys (12 bytes per bucket), unlike power-of-two tables
    assertThat(index.bytes()).isLessThanOrEqualTo(300_000L * 12 * 2 + 64 * 1024);
  }

  @Test
  void pages_growWithoutLosingValues_andSmallPartsStaySmall() {
    Pages p = new Pages(3);
    p.ensureSlots(2);
    assertThat(p.bytes()).isLessThan(200);
    for (int n = 1; n <= 50_000; n++) {
      p.ensureSlots(n);
      double[] page = p.page(n - 1);
      page[p.offset(n - 1)] = n;
      page[p.offset(n - 1) + 2] = -n;
    }
    double[] out = new double[3];
    for (int s = 0; s < 50_000; s++) {
      p.copyOut(s, out, 0);
      assertThat(out).containsExactly(s + 1, 0, -(s + 1));
    }
    assertThat(p.bytes()).isBetween(50_000L * 24, 50_000L * 24 + 70 * 1024);
  }
}
