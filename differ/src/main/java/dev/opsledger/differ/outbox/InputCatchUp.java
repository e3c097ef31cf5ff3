package dev.opsledger.differ.outbox;

import dev.opsledger.events.EventCodec;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaUnavailableException;
import dev.opsledger.kafka.LogScan;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until the differ's input consumer groups have consumed their topics up to the end offsets
 * seen when the wait began: the moment a rebuild's aggregates hold everything the log had.
 */
public final class InputCatchUp {

  private static final Logger LOG = LoggerFactory.getLogger(InputCatchUp.class);

  private final KafkaConnection connection;
  private final Map<String, String> groupByTopic;

  /**
   * Creates the waiter.
   *
   * @param connection the cluster, with its client properties
   * @param groupByTopic the consumer group of each input topic
   */
  public InputCatchUp(KafkaConnection connection, Map<String, String> groupByTopic) {
    this.connection = connection;
    this.groupByTopic = Map.copyOf(groupByTopic);
  }

  /**
   * Waits for the groups to catch up.
   *
   * @return true when they did, false when {@code timeout} passed first or the offsets could not be
   *     read (the caller publishes what is recorded so far)
   * @throws InterruptedException when the wait was interrupted (shutdown)
   */
  public boolean await(Duration timeout) throws InterruptedException {
    // Only offsets are compared: nothing is decoded, so the contract's default codec will do.
    try (LogScan scan = LogScan.open(connection, new EventCodec(), timeout)) {
      scan.awaitCommitted(groupByTopic);
      return true;
    } catch (KafkaUnavailableException e) {
      LOG.warn("the input groups {} did not catch up: {}", groupByTopic, e.getMessage());
      return false;
    }
  }
}
