package io.trimtab.ps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.ps.checkpoint.Manifest;
import io.trimtab.ps.master.PsMaster;
import io.trimtab.ps.partition.PartitionerKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint is one consistent state of a table, written by its shards, each its own part, and
 * listed by a manifest; read back by the shards of a new table (in another layout: re-sliced),
 * training continues exactly as if nothing happened.
 */
class CheckpointTest {
  private LoopbackShards shards;
  private PsMaster master;
  @TempDir Path dir;

  @BeforeEach
  void start() {
    shards = new LoopbackShards(3);
    master = shards.master();
  }

  @AfterEach
  void stop() {
    shards.close();
  }

  private static void clock(PsClient c, TableHandle t, long clock, long[] keys) {
    SplittableRandom rnd = new SplittableRandom(clock);
    for (int w = 0; w < 2; w++) {
      double[] d = new double[keys.length * t.spec().width()];
      for (int i = 0; i < d.length; i++) {
        d[i] = rnd.nextDouble() * 2 - 1;
      }
      c.push(t, Push.atClock(w, clock, 3, keys, d));
    }
  }

  private static Manifest roundTrip(Manifest m) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.write(out);
    return Manifest.read(new ByteArrayInputStream(out.toByteArray()), "mem:manifest");
  }

  @Test
  void restoredFromItsParts_inAnotherLayout_trainingContinuesBitForBit() throws IOException {
    for (TableKind kind : TableKind.values()) {
      UpdateRule rule = UpdateRule.adagrad(0.1, 0.01);
      TableHandle run =
          master.createTable(spec(kind, "run-" + kind, rule), PartitionerKind.HASH, 3);
      master.setWorkers(run, 2);
      // sparse keys reach past 2^32, up to near 2^63
      long bound = kind == TableKind.DENSE ? 1000 : Long.MAX_VALUE;
      long[] keys = new SplittableRandom(1).longs(300, 0, bound).distinct().toArray();
      for (int c = 0; c < 3; c++) {
        clock(master.client(), run, c, keys);
      }
      TableSnapshot taken = master.snapshot(run);
      String ck = dir.resolve("ck-" + kind).toUri().toString();
      Manifest m = roundTrip(master.writeParts(run, 3, ck));
      assertThat(m.epoch()).isEqualTo(3);
      assertThat(m.clock()).isEqualTo(3);
      assertThat(m.parts()).hasSize(3);
      assertThat(m.keys()).isEqualTo(taken.keys().length);
      // a dense table holds every key of its dimension
      assertThat(m.maxKey())
          .isEqualTo(kind == TableKind.DENSE ? 999 : Arrays.stream(keys).max().orElseThrow());
      for (int s = 0; s < 3; s++) {
        Path part = dir.resolve("ck-" + kind).resolve(m.parts().get(s).file());
        assertThat(Files.size(part)).isEqualTo(m.parts().get(s).bytes());
      }

      // the run trains on; each restored table must end where it ends
      for (int c = 3; c < 5; c++) {
        clock(master.client(), run, c, keys);
      }
      TableSnapshot end = master.snapshot(run);
      // the "new application": a new table on two shards with a range partitioner re-slices the
      // three parts; one in the same layout reads its own part
      for (int n : new int[] {2, 3}) {
        PartitionerKind p = n == 2 ? PartitionerKind.RANGE : PartitionerKind.HASH;
        TableHandle resumed = master.createTable(spec(kind, "resumed-" + kind + n, rule), p, n);
        master.readParts(resumed, m, ck, 2, StalenessBound.bsp());
        assertThat(master.snapshot(resumed)).isEqualTo(taken);
        for (int c = 3; c < 5; c++) {
          clock(master.client(), resumed, c, keys);
        }
        TableSnapshot b = master.snapshot(resumed);
        assertThat(b.clock()).isEqualTo(5);
        assertThat(b).isEqualTo(end);
        master.dropTable(resumed);
      }
    }
  }

  private static TableSpec spec(TableKind kind, String name, UpdateRule rule) {
    return kind == TableKind.DENSE
        ? TableSpec.dense(name, 1000, 2, rule)
        : TableSpec.sparse(name, 2, rule);
  }

  @Test
  void aModelOfAnotherSizeOrRule_isRefusedNamingBoth() {
    UpdateRule rule = UpdateRule.sgd(0.1, 0);
    TableHandle big =
        master.createTable(TableSpec.dense("big", 100, 1, rule), PartitionerKind.HASH);
    master.client().push(big, Push.unclocked(new long[] {5, 99}, new double[] {1, 2}));
    String ck = dir.resolve("big").toUri().toString();
    Manifest m = master.writeParts(big, 1, ck);
    TableHandle small =
        master.createTable(TableSpec.dense("small", 50, 1, rule), PartitionerKind.HASH);
    assertThatThrownBy(() -> master.readParts(small, m, ck, 1, StalenessBound.bsp()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot restore table 'small' from "
                + ck
                + ": it has keys up to 99 but the table's dimension is 50 (expected keys 0 .. 49:"
                + " a model of another size)");
    TableHandle adagrad =
        master.createTable(
            TableSpec.dense("adagrad", 100, 1, UpdateRule.adagrad(0.1, 0)), PartitionerKind.HASH);
    assertThatThrownBy(() -> master.readParts(adagrad, m, ck, 1, StalenessBound.bsp()))
        .hasMessageContaining(
            "holds 1 values and 0 state values per key (expected 1 and 1: a model of another kind"
                + " or update rule)");
    // a snapshot (starting values) of another size is refused too
    TableSnapshot s = master.snapshot(big);
    assertThatThrownBy(() -> master.restore(small, s, 1, StalenessBound.bsp()))
        .hasMessage(
            "Cannot restore table 'small': the snapshot has keys 0 .. 99 but the table's dimension is 50 "
                + "(expected keys 0 .. 49: a model of another size)");
  }

  @Test
  void damagedPartsAndManifests_areRefusedNamingTheFile() throws IOException {
    TableSpec spec = TableSpec.dense("t", 40, 1, UpdateRule.adagrad(0.1, 0));
    TableHandle t = master.createTable(spec, PartitionerKind.HASH, 2);
    master.client().push(t, Push.unclocked(new long[] {1, 2, 3}, new double[] {1, 2, 3}));
    Path ckDir = dir.resolve("t");
    String ck = ckDir.toUri().toString();
    Manifest m = master.writeParts(t, 2, ck);
    Path part = ckDir.resolve("part-00001");
    byte[] good = Files.readAllBytes(part);

    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    Files.write(part, flipped);
    assertThatThrownBy(() -> restoreInto(spec, m, ck, "flipped"))
        .hasMessageContaining("Model part " + ck + "/part-00001 is corrupt: CRC32 ")
        .hasMessageEndingWith(
            "(expected equal; the file was changed or damaged after it was written)");

    Files.write(part, Arrays.copyOf(good, good.length - 12));
    assertThatThrownBy(() -> restoreInto(spec, m, ck, "cut"))
        .hasMessageContaining(
            "Model part "
                + ck
                + "/part-00001 is truncated (it ends before its CRC; expected a complete file: "
                + "the write was interrupted or the file cut)");

    Files.delete(part);
    assertThatThrownBy(() -> restoreInto(spec, m, ck, "gone"))
        .hasMessageContaining("Cannot read model part " + ck + "/part-00001 into table 'gone'");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.write(out);
    byte[] manifest = out.toByteArray();
    manifest[20] ^= 0x01;
    assertThatThrownBy(() -> Manifest.read(new ByteArrayInputStream(manifest), "hdfs:///ck/m"))
        .hasMessageStartingWith("Checkpoint manifest hdfs:///ck/m is corrupt");
    byte[] other = "not a manifest, not at all".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Manifest.read(new ByteArrayInputStream(other), "x.txt"))
        .hasMessage(
            "Not a Trimtab checkpoint manifest: x.txt (expected a manifest written by Trimtab; its"
                + " first bytes differ)");
  }

  private void restoreInto(TableSpec spec, Manifest m, String ck, String name) {
    TableHandle into =
        master.createTable(
            new TableSpec(name, spec.kind(), spec.dimension(), spec.width(), spec.rule()),
            PartitionerKind.HASH,
            2);
    try {
      master.readParts(into, m, ck, 1, StalenessBound.bsp());
    } finally {
      master.dropTable(into);
    }
  }

  @Test
  void aCheckpointTakenInsideAClock_isRefused() {
    TableHandle t =
        master.createTable(TableSpec.dense("mid", 30, 1, UpdateRule.add()), PartitionerKind.HASH);
    master.setWorkers(t, 1);
    // worker 0's push of clock 0 reaches the first shard only (its task died before the others)
    try (io.trimtab.ps.client.NettyPsClient raw =
        new io.trimtab.ps.client.NettyPsClient(ClientOptions.defaults())) {
      raw.call(
          t.shards().get(0),
          new io.trimtab.ps.protocol.Request.Push(
              t.id(), 0, 0, 1, new long[0], new double[0], new int[0]),
          "a partial clock");
    }
    String ck = dir.resolve("mid").toUri().toString();
    assertThatThrownBy(() -> master.writeParts(t, 1, ck))
        .hasMessageContaining("its shards are at clocks")
        .hasMessageEndingWith("(expected one clock: checkpoints are taken between epochs)");
  }
}
