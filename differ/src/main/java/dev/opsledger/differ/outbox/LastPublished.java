package dev.opsledger.differ.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.differ.reconcile.ReconcileState;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.Checkpoints;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.LogScan;
import dev.opsledger.kafka.LogScan.Until;
import dev.opsledger.kafka.Rebuild;
import dev.opsledger.kafka.ScannedRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code opsledger.diffs} to its end (as of the call) with a {@link LogScan} (no group,
 * nothing committed) and answers what the last diff event of each resource said: what consumers
 * have already seen. Unreadable records are skipped: the diffs' own consumers dead-letter them, and
 * they say nothing of a state.
 *
 * <p>It starts from the newest snapshot on {@code opsledger.differ.checkpoints}, which the running
 * differ keeps fresh ({@link PublishedCheckpoints}), and reads only the records after it; without a
 * usable one it reads the topic from the beginning.
 */
public final class LastPublished {

  private static final Logger LOG = LoggerFactory.getLogger(LastPublished.class);

  private final KafkaConnection connection;
  private final EventCodec codec;
  private final Duration timeout;
  private final Checkpoints checkpoints;

  /**
   * A reader.
   *
   * @param checkpoints where snapshots are, or {@code null} to read the whole topic
   */
  public LastPublished(
      KafkaConnection connection, EventCodec codec, Duration timeout, Checkpoints checkpoints) {
    this.connection = connection;
    this.codec = codec;
    this.timeout = timeout;
    this.checkpoints = checkpoints;
  }

  /**
   * The last published state per resource key.
   *
   * @throws dev.opsledger.kafka.LogScanTimeoutException when the topic could not be read to its end
   *     within {@code timeout} (the caller must not publish then, or it could repeat what consumers
   *     saw; the outbox starter retries)
   */
  public Map<String, PublishedState> read() {
    Rebuild.Result<Projection> result = rebuild();
    LOG.info(
        "read {} records of {} ({} unreadable){}: last diff state of {} resources",
        result.read().records() + result.read().poison(),
        Topic.DIFFS.topicName(),
        result.read().poison(),
        result.fromSnapshot() ? " after a snapshot" : "",
        result.projection().last.size());
    return result.projection().last;
  }

  /** Rebuilds the map from the newest snapshot and the records after it. */
  public Rebuild.Result<Projection> rebuild() {
    try (LogScan scan = LogScan.open(connection, codec, timeout)) {
      return Rebuild.run(
          scan, checkpoints, List.of(Topic.DIFFS.topicName()), Until.endAtStart(), Projection::new);
    }
  }

  /** The last published state per resource, as a {@link Rebuild.Projection}. */
  public static final class Projection implements Rebuild.Projection {

    private final Map<String, PublishedState> last = new HashMap<>();

    /** The state per resource key. */
    public Map<String, PublishedState> last() {
      return last;
    }

    @Override
    public void restore(JsonNode entry) {
      JsonNode resource = entry.get("resource");
      JsonNode state = entry.get("state");
      if (resource == null || state == null || !resource.isTextual() || !state.isTextual()) {
        throw new IllegalArgumentException("an entry without resource or state");
      }
      last.put(
          resource.asText(),
          new PublishedState(
              ReconcileState.valueOf(state.asText()), entry.path("fingerprint").asText("")));
    }

    @Override
    public void apply(ScannedRecord r) {
      DiffEvents.stateOf(r.data()).ifPresent(s -> last.put(r.event().subject(), s));
    }

    @Override
    public void snapshot(Consumer<JsonNode> out) {
      last.forEach(
          (resource, s) ->
              out.accept(
                  EventJson.mapper()
                      .createObjectNode()
                      .put("resource", resource)
                      .put("state", s.state().name())
                      .put("fingerprint", s.fingerprint())));
    }
  }
}
