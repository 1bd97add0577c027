package io.trimtab.ps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.ps.checkpoint.Checkpoint;
import io.trimtab.ps.master.PsMaster;
import io.trimtab.ps.partition.PartitionerKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint is one consistent state of a table; written, read back and restored into a new table
 * (on other shards, in another layout), training continues exactly as if nothing happened.
 */
class CheckpointTest {
  private LoopbackShards shards;
  private PsMaster master;

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

  private static byte[] bytes(Checkpoint c) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.write(out);
    return out.toByteArray();
  }

  @Test
  void restoredFromACheckpoint_trainingContinuesBitForBit() throws IOException {
    UpdateRule rule = UpdateRule.adagrad(0.1, 0.01);
    TableHandle run =
        master.createTable(TableSpec.dense("run", 1000, 2, rule), PartitionerKind.HASH, 3);
    master.setWorkers(run, 2);
    long[] keys = new SplittableRandom(1).longs(300, 0, 1000).distinct().toArray();
    for (int c = 0; c < 3; c++) {
      clock(master.client(), run, c, keys);
    }
    Checkpoint taken = new Checkpoint(run.spec(), 3, master.snapshot(run));
    Checkpoint read = Checkpoint.read(new ByteArrayInputStream(bytes(taken)), "mem:ckpt");
    assertThat(read).isEqualTo(taken);
    assertThat(read.snapshot().state()).as("AdaGrad accumulators are kept").isNotEmpty();

    // the "new application": a new table on two shards with a range partitioner, restored
    TableHandle resumed =
        master.createTable(TableSpec.dense("resumed", 1000, 2, rule), PartitionerKind.RANGE, 2);
    master.restore(resumed, read.snapshot(), 2, StalenessBound.bsp());
    assertThat(master.snapshot(resumed)).isEqualTo(taken.snapshot());
    for (int c = 3; c < 6; c++) {
      clock(master.client(), run, c, keys);
      clock(master.client(), resumed, c, keys);
    }
    TableSnapshot a = master.snapshot(run);
    TableSnapshot b = master.snapshot(resumed);
    assertThat(b.clock()).isEqualTo(6);
    assertThat(b).isEqualTo(a);
  }

  @Test
  void aModelOfAnotherSize_isRefusedNamingBothSizes() {
    UpdateRule rule = UpdateRule.sgd(0.1, 0);
    TableHandle big =
        master.createTable(TableSpec.dense("big", 100, 1, rule), PartitionerKind.HASH);
    master.client().push(big, Push.unclocked(new long[] {5, 99}, new double[] {1, 2}));
    TableSnapshot s = master.snapshot(big);
    TableHandle small =
        master.createTable(TableSpec.dense("small", 50, 1, rule), PartitionerKind.HASH);
    assertThatThrownBy(() -> master.restore(small, s, 1, StalenessBound.bsp()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot restore table 'small': the snapshot has keys 0 .. 99 but the table's dimension is 50 "
                + "(expected keys 0 .. 49: a model of another size)");
    TableHandle wide =
        master.createTable(TableSpec.dense("wide", 100, 2, rule), PartitionerKind.HASH);
    assertThatThrownBy(() -> master.restore(wide, s, 1, StalenessBound.bsp()))
        .hasMessageStartingWith(
            "Cannot restore table 'wide': the snapshot holds 100 values and 0 state values for "
                + "100 keys (expected width 2");
  }

  @Test
  void damagedFiles_areRefusedNamingTheFile() throws IOException {
    TableSpec spec = TableSpec.dense("t", 4, 1, UpdateRule.adagrad(0.1, 0));
    Checkpoint c =
        new Checkpoint(
            spec,
            2,
            new TableSnapshot(
                20,
                new long[] {0, 1, 2, 3},
                new double[] {0.5, -1, 2, 3},
                new double[] {1, 1, 1, 1}));
    byte[] good = bytes(c);
    assertThat(Checkpoint.read(new ByteArrayInputStream(good), "f")).isEqualTo(c);

    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    assertThatThrownBy(
            () -> Checkpoint.read(new ByteArrayInputStream(flipped), "hdfs:///ck/epoch-2.ckpt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Checkpoint hdfs:///ck/epoch-2.ckpt is corrupt: CRC32 ")
        .hasMessageEndingWith(
            "(expected equal; the file was changed or damaged after it was written)");

    byte[] cut = Arrays.copyOf(good, good.length - 12);
    assertThatThrownBy(
            () -> Checkpoint.read(new ByteArrayInputStream(cut), "file:/ck/epoch-2.ckpt"))
        .hasMessage(
            "Checkpoint file:/ck/epoch-2.ckpt is truncated (it ends before its CRC; expected a complete file: "
                + "the write was interrupted or the file cut)");

    byte[] other =
        "hello, this is not a checkpoint".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Checkpoint.read(new ByteArrayInputStream(other), "x.txt"))
        .hasMessage(
            "Not a Trimtab checkpoint: x.txt (expected a file written by Trimtab's checkpoints; its first "
                + "bytes differ)");
  }

  @Test
  void inconsistentSnapshots_cannotBeCheckpointed() {
    TableSpec spec = TableSpec.dense("t", 4, 2, UpdateRule.sgd(0.1, 0));
    assertThatThrownBy(
            () ->
                new Checkpoint(
                    spec, 1, new TableSnapshot(0, new long[] {0, 1}, new double[3], new double[0])))
        .hasMessage("Snapshot of table 't' has 3 values for 2 keys (expected 4, width 2)");
    assertThatThrownBy(
            () ->
                new Checkpoint(
                    spec, -1, new TableSnapshot(0, new long[0], new double[0], new double[0])))
        .hasMessage("Invalid checkpoint epoch: -1 (must be >= 0)");
  }

  @Test
  void aVersionOneCheckpoint_isStillRead() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    java.util.zip.CheckedOutputStream checked =
        new java.util.zip.CheckedOutputStream(bytes, new java.util.zip.CRC32());
    java.io.DataOutputStream d = new java.io.DataOutputStream(checked);
    d.writeLong(0x5452494D54414243L);
    d.writeInt(1);
    d.writeUTF("old");
    d.writeUTF("DENSE");
    d.writeLong(4);
    d.writeInt(1);
    d.writeUTF("ADAGRAD");
    d.writeDouble(0.1);
    d.writeDouble(0.01);
    d.writeLong(2); // epoch
    d.writeLong(6); // clock
    d.writeInt(2);
    d.writeLong(0);
    d.writeLong(3);
    d.writeDouble(0.5);
    d.writeDouble(-0.5);
    d.writeDouble(1.0);
    d.writeDouble(2.0);
    d.flush();
    d.writeLong(checked.getChecksum().getValue());
    d.flush();

    Checkpoint c = Checkpoint.read(new ByteArrayInputStream(bytes.toByteArray()), "old.ckpt");
    assertThat(c.spec()).isEqualTo(TableSpec.dense("old", 4, 1, UpdateRule.adagrad(0.1, 0.01)));
    assertThat(c.epoch()).isEqualTo(2);
    assertThat(c.snapshot().clock()).isEqualTo(6);
    assertThat(c.snapshot().keys()).containsExactly(0, 3);
    assertThat(c.snapshot().values()).containsExactly(0.5, -0.5);
    assertThat(c.snapshot().state()).containsExactly(1.0, 2.0);
  }
}
