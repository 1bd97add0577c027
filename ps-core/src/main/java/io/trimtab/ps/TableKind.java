package io.trimtab.ps;

/** How a table stores its keys. */
public enum TableKind {
  /** Keys are 0 .. dimension-1, stored in flat arrays split across shards. */
  DENSE,
  /** Keys are any 64-bit value (hashed features); a key's slot is created on its first push. */
  SPARSE
}
