package dev.opsledger.gitwatcher.watch;

/** Reads a source's checkpoint; the Kafka implementation is {@link CommitLogCheckpoints}. */
@FunctionalInterface
public interface CheckpointReader {

  /**
   * The checkpoint of a source.
   *
   * @throws RuntimeException when the log cannot be read (transient: the cycle is retried)
   */
  Checkpoint read(String sourceId);
}
