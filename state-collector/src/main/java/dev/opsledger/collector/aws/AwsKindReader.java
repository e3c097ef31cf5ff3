package dev.opsledger.collector.aws;

import dev.opsledger.collector.observe.Observation;
import java.util.List;

/** Reads every resource of one AWS kind in one target. */
public interface AwsKindReader extends AutoCloseable {

  /** The kind, e.g. {@code S3Bucket}. */
  String kind();

  /**
   * Lists the resources and reads each one's details. A resource whose details cannot be read is a
   * {@link Observation.Failed} in the result; the others are {@link Observation.Present}.
   *
   * @throws RuntimeException when the list itself fails: nothing can be said about the kind
   */
  List<Observation> read(String target);

  /** Closes the SDK client. */
  @Override
  void close();
}
