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
  void slotIndex_keysInAnotherIndexsOrder_spreadAsRandomKeysDo() {
    // a move or a restore inserts keys in the bucket order of the index that held them: with one
    // hash for every index they formed one long probe run (400k keys took 33 s to copy)
    LongSlotIndex from = new LongSlotIndex();
    SplittableRandom rnd = new SplittableRandom(9);
    while (from.size() < 200_000) {
      long k = rnd.nextLong();
      if (from.get(k) < 0) {
        from.put(k, from.size());
      }
    }
    // the first half of its keys in its bucket order: with a shared hash, all of them have their
    // home in the first half of the new index's buckets
    LongSlotIndex to = new LongSlotIndex();
    Map<Long, Integer> copied = new HashMap<>();
    from.forEach(
        (k, slot) -> {
          if (copied.size() < 100_000) {
            to.put(k, slot);
            copied.put(k, slot);
          }
        });
    copied.forEach((k, slot) -> assertThat(to.get(k)).isEqualTo(slot));
    // linear probing at load <= 3/4 averages at most 2.5 probes a hit on random keys
    assertThat(from.meanProbes()).isLessThan(2.5);
    assertThat(to.meanProbes()).isLessThan(2.5);
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
