package io.trimtab.tuner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {
  private static final Set<Knob> ALL = EnumSet.allOf(Knob.class);

  @Test
  void space_allKnobsOnTwoExecutorsTwoSlots_hasExactly68ValidCandidates() {
    SearchSpace space = SearchSpace.of(Setting.defaults(2, 2), ALL, 2, 2);
    List<Setting> c = space.candidates();

    // bsp: 3 aggregations x 2 shards x 2 partitioners x 2 worker counts (1, 2) = 24
    // ssp:1 and ssp:3: 2 aggregations (no driver-tree) x 2 x 2 x 2 = 16 each
    // asp: direct only x 2 x 2 x 3 worker counts (1, 2, 4) = 12
    assertThat(c).hasSize(68).doesNotHaveDuplicates().contains(Setting.defaults(2, 2));
    assertThat(c.stream().filter(s -> s.staleness().equals(StalenessBound.bsp()))).hasSize(24);
    assertThat(c.stream().filter(s -> s.staleness().equals(StalenessBound.ssp(1)))).hasSize(16);
    assertThat(c.stream().filter(s -> s.staleness().equals(StalenessBound.ssp(3)))).hasSize(16);
    assertThat(c.stream().filter(s -> s.staleness().equals(StalenessBound.asp()))).hasSize(12);
    for (Setting s : c) {
      assertThat(
              s.aggregation() != Aggregation.DRIVER_TREE
                  || s.staleness().equals(StalenessBound.bsp()))
          .as("driver-tree only with bsp: %s", s)
          .isTrue();
      assertThat(s.aggregation() != Aggregation.EXECUTOR_COMBINE || s.staleness().bounded())
          .as("executor-combine only with bounded staleness: %s", s)
          .isTrue();
      assertThat(s.shards()).isBetween(1, 2);
      assertThat(s.workers()).isLessThanOrEqualTo(s.staleness().bounded() ? 2 : 4);
    }
    assertThat(c.get(0).toString()).isEqualTo("bsp/direct/range/1sh/1w");
    assertThat(c.get(c.size() - 1).toString()).isEqualTo("asp/direct/hash/2sh/4w");
  }

  @Test
  void withMinShards_dropsTheLayoutsAModelDoesNotFit() {
    Setting base =
        new Setting(StalenessBound.bsp(), Aggregation.DIRECT, 3, PartitionerKind.HASH, 4);
    SearchSpace all = SearchSpace.of(base, ALL, 4, 4);
    SearchSpace big = all.withMinShards(3);
    assertThat(all.candidates()).anySatisfy(s -> assertThat(s.shards()).isLessThan(3));
    assertThat(big.candidates())
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.shards()).isGreaterThanOrEqualTo(3))
        .contains(base);
    assertThat(big.candidates())
        .hasSize((int) all.candidates().stream().filter(s -> s.shards() >= 3).count());
    assertThatThrownBy(() -> all.withMinShards(4))
        .hasMessage("Base setting " + base + " has 3 shards, fewer than the 4 the model needs");
  }

  @Test
  void retain_keepsOnlyTheFeasibleCandidates_andRefusesAnInfeasibleBase() {
    Setting base =
        new Setting(StalenessBound.bsp(), Aggregation.DIRECT, 2, PartitionerKind.HASH, 4);
    SearchSpace all = SearchSpace.of(base, ALL, 2, 4);
    SearchSpace noTree =
        all.retain(s -> s.aggregation() != Aggregation.DRIVER_TREE, "no driver-tree here");
    assertThat(all.candidates()).anyMatch(s -> s.aggregation() == Aggregation.DRIVER_TREE);
    assertThat(noTree.candidates())
        .contains(base)
        .noneMatch(s -> s.aggregation() == Aggregation.DRIVER_TREE)
        .hasSize(
            (int)
                all.candidates().stream()
                    .filter(s -> s.aggregation() != Aggregation.DRIVER_TREE)
                    .count());
    assertThatThrownBy(() -> all.retain(s -> s.shards() > 2, "more than 2 shards"))
        .hasMessage("Base setting " + base + " is not feasible: more than 2 shards");
  }

  @Test
  void space_untunedKnobsKeepTheBaseValue() {
    Setting base =
        new Setting(
            StalenessBound.ssp(2), Aggregation.EXECUTOR_COMBINE, 3, PartitionerKind.HASH, 6);
    SearchSpace layout = SearchSpace.of(base, EnumSet.of(Knob.SHARDS, Knob.PARTITIONER), 4, 8);
    assertThat(layout.candidates())
        .hasSize(8)
        .allSatisfy(
            s -> {
              assertThat(s.staleness()).isEqualTo(StalenessBound.ssp(2));
              assertThat(s.aggregation()).isEqualTo(Aggregation.EXECUTOR_COMBINE);
              assertThat(s.workers()).isEqualTo(6);
            });

    // staleness and aggregation: base ssp:2 joins the choices; bsp 3 + 3 ssp bounds x 2 + asp 1 =
    // 10
    SearchSpace consistency =
        SearchSpace.of(base, EnumSet.of(Knob.STALENESS, Knob.AGGREGATION), 4, 8);
    assertThat(consistency.candidates())
        .hasSize(10)
        .allSatisfy(s -> assertThat(s.shards()).isEqualTo(3));
    assertThat(consistency.candidates().stream().map(s -> s.staleness().toString()).distinct())
        .containsExactly("bsp", "ssp:1", "ssp:2", "ssp:3", "asp");

    // workers: base's 6 joins {4, 8} under bsp/ssp, and 16 under asp
    SearchSpace workers =
        SearchSpace.of(
            base.withAggregation(Aggregation.DIRECT).withStaleness(StalenessBound.asp()),
            EnumSet.of(Knob.WORKERS),
            4,
            8);
    assertThat(workers.candidates().stream().map(Setting::workers)).containsExactly(4, 6, 8, 16);

    SearchSpace none = SearchSpace.of(base, Set.of(), 4, 8);
    assertThat(none.candidates()).containsExactly(base);
    assertThat(none.initialDesign(5, 1)).containsExactly(base);
  }

  @Test
  void space_encodesEveryKnobInUnitInterval() {
    SearchSpace space = SearchSpace.of(Setting.defaults(3, 8), ALL, 3, 8);
    assertThat(space.dimensions()).isEqualTo(5);
    for (Setting s : space.candidates()) {
      double[] p = space.encode(s);
      assertThat(p).hasSize(5);
      assertThat(java.util.Arrays.stream(p).min().orElseThrow()).isGreaterThanOrEqualTo(0);
      assertThat(java.util.Arrays.stream(p).max().orElseThrow()).isLessThanOrEqualTo(1);
    }
    // bsp/direct/hash/3sh/8w: staleness 0, aggregation 0, shards (3-1)/(3-1), hash 1,
    // log2(8)/log2(16)
    assertThat(space.encode(Setting.defaults(3, 8))).containsExactly(0, 0, 1, 1, 0.75);
    Setting s =
        new Setting(
            StalenessBound.ssp(3), Aggregation.EXECUTOR_COMBINE, 2, PartitionerKind.RANGE, 4);
    assertThat(space.encode(s))
        .containsExactly(new double[] {0.8, 0.5, 0.5, 0, 0.5}, within(1e-12));
    assertThat(
            space
                .encode(
                    s.withAggregation(Aggregation.DIRECT)
                        .withStaleness(StalenessBound.asp())
                        .withWorkers(32))[Knob.WORKERS.ordinal()])
        .isEqualTo(1.0); // clipped
    // one executor, one slot: shards 0, workers log2(w)/log2(2)
    SearchSpace tiny = SearchSpace.of(Setting.defaults(1, 1), ALL, 1, 1);
    assertThat(tiny.encode(Setting.defaults(1, 1))).containsExactly(0, 0, 0, 1, 0);
  }

  @Test
  void space_nearestRoundTripsEveryCandidate() {
    for (int[] shape : new int[][] {{1, 1}, {2, 2}, {3, 8}, {4, 5}}) {
      SearchSpace space =
          SearchSpace.of(Setting.defaults(shape[0], shape[1]), ALL, shape[0], shape[1]);
      for (Setting s : space.candidates()) {
        assertThat(space.nearest(space.encode(s)))
            .as("shape %d x %d", shape[0], shape[1])
            .isEqualTo(s);
      }
    }
  }

  @Test
  void space_nearestIgnoresUntunedCoordinates() {
    SearchSpace space = SearchSpace.of(Setting.defaults(4, 4), EnumSet.of(Knob.SHARDS), 4, 4);
    assertThat(space.nearest(new double[] {1, 1, 0.6, 0, 0}))
        .isEqualTo(Setting.defaults(4, 4).withShards(3));
    assertThatThrownBy(() -> space.nearest(new double[] {0.5}))
        .hasMessage("Invalid point: [0.5] (expected 5 coordinates, one per knob)");
  }

  @Test
  void space_initialDesignIsDistinctAndDeterministic() {
    SearchSpace space = SearchSpace.of(Setting.defaults(2, 2), ALL, 2, 2);
    List<Setting> design = space.initialDesign(10, 7);
    assertThat(design).hasSize(10).doesNotHaveDuplicates().isEqualTo(space.initialDesign(10, 7));
    assertThat(space.candidates()).containsAll(design);
    assertThat(space.initialDesign(10, 8)).isNotEqualTo(design);
    // spread: the 10 points cover both partitioners, both shard counts and at least 3 staleness
    // modes
    assertThat(design.stream().map(Setting::partitioner).distinct()).hasSize(2);
    assertThat(design.stream().map(Setting::shards).distinct()).hasSize(2);
    assertThat(design.stream().map(Setting::staleness).distinct().count())
        .isGreaterThanOrEqualTo(3);

    SearchSpace small =
        SearchSpace.of(Setting.defaults(2, 2), EnumSet.of(Knob.PARTITIONER, Knob.SHARDS), 2, 2);
    assertThat(new HashSet<>(small.initialDesign(50, 1)))
        .isEqualTo(new HashSet<>(small.candidates()));
    assertThatThrownBy(() -> small.initialDesign(0, 1))
        .hasMessage("Invalid initial design size: 0 (must be >= 1)");
  }

  @Test
  void space_rejectsABaseThatDoesNotFitTheCluster() {
    assertThatThrownBy(() -> SearchSpace.of(Setting.defaults(3, 2), ALL, 2, 2))
        .hasMessage(
            "Base setting bsp/direct/hash/3sh/2w does not fit the cluster: 3 shards (expected at most 2,"
                + " one per executor)");
    assertThatThrownBy(() -> SearchSpace.of(Setting.defaults(2, 4), ALL, 2, 2))
        .hasMessage(
            "Base setting bsp/direct/hash/2sh/4w does not fit the cluster: 4 workers under bsp (expected at"
                + " most the 2 task slots: a barrier stage needs all workers running at once)");
    Setting aspOversubscribed = Setting.defaults(2, 4).withStaleness(StalenessBound.asp());
    assertThat(SearchSpace.of(aspOversubscribed, ALL, 2, 2).contains(aspOversubscribed)).isTrue();
    assertThatThrownBy(() -> SearchSpace.of(Setting.defaults(2, 2), ALL, 0, 2))
        .hasMessage("Invalid number of executors: 0 (must be >= 1)");
    assertThatThrownBy(() -> SearchSpace.of(Setting.defaults(2, 2), ALL, 2, 2, List.of()))
        .hasMessage("No staleness choices (expected at least one, e.g. bsp)");
  }

  @Test
  void knob_parsesConfigNames() {
    assertThat(Knob.parse(" Workers ")).isEqualTo(Knob.WORKERS);
    assertThat(Knob.STALENESS.configName()).isEqualTo("staleness");
    assertThatThrownBy(() -> Knob.parse("batch"))
        .hasMessage(
            "Unknown knob: 'batch' (expected one of [staleness, aggregation, shards, partitioner, workers])");
  }
}
