package io.trimtab.spark.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.spark.objective.Example;
import org.junit.jupiter.api.Test;

class ExampleBytesTest {

  @Test
  void decodesWhatItEncodes_bitForBit() {
    Example[] examples = {
      new Example(1.0, new long[0], new double[0]),
      new Example(0.0, new long[] {0, 7, Long.MAX_VALUE - 1}, new double[] {-0.0, 1e-300, 3.5}),
      new Example(
          Double.longBitsToDouble(0x3FF0000000000001L),
          new long[] {1L << 62, (1L << 62) + 1},
          new double[] {Double.MIN_VALUE, -Double.MAX_VALUE})
    };
    for (Example e : examples) {
      Example back = ExampleBytes.decode(ExampleBytes.encode(e));
      assertThat(Double.doubleToRawLongBits(back.label()))
          .isEqualTo(Double.doubleToRawLongBits(e.label()));
      assertThat(back.indices()).containsExactly(e.indices());
      assertThat(back.values()).hasSize(e.values().length);
      for (int i = 0; i < e.values().length; i++) {
        assertThat(Double.doubleToRawLongBits(back.values()[i]))
            .isEqualTo(Double.doubleToRawLongBits(e.values()[i]));
      }
    }
  }
}
