package io.trimtab.ps;

import java.io.Serializable;

/**
 * What a table holds: its name, how keys are stored, how many doubles each key holds, and the
 * update rule its shards apply to pushes.
 *
 * @param name a non-blank name, unique among live tables
 * @param kind dense or sparse
 * @param dimension number of keys of a dense table (1 .. 2^31-1); 0 for sparse tables
 * @param width doubles per key (1 for a scalar weight, k for a factor vector), 1 .. 4096
 * @param rule the server-side update rule
 */
public record TableSpec(String name, TableKind kind, long dimension, int width, UpdateRule rule)
    implements Serializable {

  /** Largest number of doubles per key. */
  public static final int MAX_WIDTH = 4096;

  public TableSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("Invalid table name: '" + name + "' (must be non-blank)");
    }
    if (kind == null || rule == null) {
      throw new IllegalArgumentException("Table '" + name + "': kind and rule must be set");
    }
    if (width < 1 || width > MAX_WIDTH) {
      throw new IllegalArgumentException(
          "Table '" + name + "': invalid width " + width + " (must be 1 .. " + MAX_WIDTH + ")");
    }
    if (kind == TableKind.DENSE && (dimension < 1 || dimension > Integer.MAX_VALUE)) {
      throw new IllegalArgumentException(
          "Table '"
              + name
              + "': invalid dense dimension "
              + dimension
              + " (must be 1 .. "
              + Integer.MAX_VALUE
              + ")");
    }
    if (kind == TableKind.SPARSE && dimension != 0) {
      throw new IllegalArgumentException(
          "Table '"
              + name
              + "': sparse tables have no dimension, got "
              + dimension
              + " (expected 0)");
    }
  }

  /** A dense table of {@code dimension} keys. */
  public static TableSpec dense(String name, long dimension, int width, UpdateRule rule) {
    return new TableSpec(name, TableKind.DENSE, dimension, width, rule);
  }

  /** A sparse table over 64-bit keys. */
  public static TableSpec sparse(String name, int width, UpdateRule rule) {
    return new TableSpec(name, TableKind.SPARSE, 0, width, rule);
  }
}
