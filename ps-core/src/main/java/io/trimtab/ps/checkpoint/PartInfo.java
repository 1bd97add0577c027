package io.trimtab.ps.checkpoint;

/**
 * What one shard wrote as its part of a checkpoint or saved model, as its manifest records it.
 *
 * @param file the part's file name, relative to the checkpoint's directory
 * @param keys the keys it holds
 * @param bytes its length in bytes
 * @param crc the CRC32 of everything before its trailing checksum
 * @param minKey its smallest key (Long.MAX_VALUE if it holds none)
 * @param maxKey its largest key (-1 if it holds none)
 */
public record PartInfo(String file, long keys, long bytes, long crc, long minKey, long maxKey) {}
