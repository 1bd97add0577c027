package io.trimtab.ps.server;

import java.util.Arrays;

/**
 * Doubles stored {@code width} per slot in pages of at most 64 KiB. Growing adds pages and copies
 * at most the last, partly filled page, and no single array is large enough for the G1 collector to
 * place it in "humongous" regions, which round every large array up to whole regions (measured: up
 * to 1.7x the bytes for power-of-two sized arrays). Slot s lives in {@code page(s)} at {@code
 * offset(s)}.
 *
 * <p>Not thread-safe.
 */
final class Pages {
  /** Doubles per page: 8192, 64 KiB. */
  static final int PAGE_DOUBLES = 1 << 13;

  private static final double[][] NONE = new double[0][];

  final int width;
  private final int shift;
  private final int mask;
  private final int slotsPerPage;
  private double[][] pages = NONE;
  private int used;
  private long capacity;

  Pages(int width) {
    this.width = width;
    this.slotsPerPage = Math.max(1, Integer.highestOneBit(PAGE_DOUBLES / width));
    this.shift = Integer.numberOfTrailingZeros(slotsPerPage);
    this.mask = slotsPerPage - 1;
  }

  /**
   * Makes slots {@code 0 .. slots-1} addressable (new slots read 0). Full pages are never copied;
   * the last page is allocated to fit and doubled as it fills, so small parts stay small.
   */
  void ensureSlots(long slots) {
    if (slots <= capacity) {
      return;
    }
    long lastPage = (slots - 1) >>> shift;
    if (lastPage >= Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("Too many slots: " + slots);
    }
    if (lastPage >= pages.length) {
      pages =
          Arrays.copyOf(
              pages,
              (int)
                  Math.max(
                      lastPage + 1,
                      Math.min(Integer.MAX_VALUE - 8L, pages.length + (pages.length >> 1))));
    }
    int fullLength = slotsPerPage * width;
    for (int p = used == 0 ? 0 : used - 1; p <= lastPage; p++) {
      int needSlots = p < lastPage ? slotsPerPage : (int) (slots - ((long) p << shift));
      int have = pages[p] == null ? 0 : pages[p].length;
      if (have < needSlots * width) {
        int len =
            p < lastPage ? fullLength : Math.min(fullLength, Math.max(needSlots * width, 2 * have));
        pages[p] = pages[p] == null ? new double[len] : Arrays.copyOf(pages[p], len);
      }
    }
    used = (int) lastPage + 1;
    capacity = ((long) (used - 1) << shift) + pages[used - 1].length / width;
  }

  double[] page(int slot) {
    return pages[slot >>> shift];
  }

  int offset(int slot) {
    return (slot & mask) * width;
  }

  /** Copies slot {@code slot}'s {@code width} doubles into {@code dst} at {@code at}. */
  void copyOut(int slot, double[] dst, int at) {
    System.arraycopy(pages[slot >>> shift], (slot & mask) * width, dst, at, width);
  }

  /** Bytes allocated: pages (with 16-byte array headers) and the page table. */
  long bytes() {
    long b = 16L + 8L * pages.length;
    for (int p = 0; p < used; p++) {
      b += 16L + 8L * pages[p].length;
    }
    return b;
  }
}
