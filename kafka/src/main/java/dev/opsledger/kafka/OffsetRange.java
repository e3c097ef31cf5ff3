package dev.opsledger.kafka;

/**
 * The offsets of one partition a scan reads: {@code [from, to)}.
 *
 * @param from the first offset to read
 * @param to the offset to stop at (exclusive); a range with {@code to <= from} is empty
 */
public record OffsetRange(long from, long to) {

  /** True when there is nothing to read. */
  public boolean isEmpty() {
    return to <= from;
  }

  /** How many offsets the range spans (records, transaction markers and compacted gaps). */
  public long size() {
    return Math.max(0, to - from);
  }
}
