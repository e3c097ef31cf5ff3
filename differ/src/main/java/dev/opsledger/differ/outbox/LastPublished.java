package dev.opsledger.differ.outbox;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.LogScan;
import dev.opsledger.kafka.LogScan.From;
import dev.opsledger.kafka.LogScan.Until;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code opsledger.diffs} from the beginning to its end (as of the call) with a {@link
 * LogScan} (no group, nothing committed) and answers what the last diff event of each resource
 * said: what consumers have already seen. Unreadable records are skipped: the diffs' own consumers
 * dead-letter them, and they say nothing of a state.
 */
public final class LastPublished {

  private static final Logger LOG = LoggerFactory.getLogger(LastPublished.class);

  private LastPublished() {}

  /**
   * The last published state per resource key.
   *
   * @throws dev.opsledger.kafka.LogScanTimeoutException when the topic could not be read to its end
   *     within {@code timeout} (the caller must not publish then, or it could repeat what consumers
   *     saw; the outbox starter retries)
   */
  public static Map<String, PublishedState> read(
      String bootstrapServers, EventCodec codec, Duration timeout) {
    Map<String, PublishedState> last = new HashMap<>();
    LogScan.Summary read;
    try (LogScan scan = LogScan.open(bootstrapServers, codec, timeout)) {
      read =
          scan.scan(
              List.of(Topic.DIFFS.topicName()),
              From.beginning(),
              Until.endAtStart(),
              r -> DiffEvents.stateOf(r.data()).ifPresent(s -> last.put(r.event().subject(), s)));
    }
    LOG.info(
        "read {} records of {} ({} unreadable): last diff state of {} resources",
        read.records() + read.poison(),
        Topic.DIFFS.topicName(),
        read.poison(),
        last.size());
    return last;
  }
}
