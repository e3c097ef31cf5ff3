package dev.opsledger.gitwatcher.support;

import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.ScannedRecord;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What one source wrote to {@code opsledger.commits} and {@code opsledger.desired} on the shared
 * broker: a {@link LogTail} from the beginning that keeps only that source's events (tests share
 * the broker), with the views the git-watcher's tests assert on. The raw desired values are kept
 * too, to check that no plain Secret value reached the topic.
 */
public final class EventLog implements AutoCloseable {

  private final LogTail tail;

  /** A reader of one source's events. */
  public EventLog(String sourceId) {
    this.tail =
        LogTail.fromBeginning(
            SharedKafka.bootstrapServers(),
            r -> mine(r.data(), sourceId),
            Topic.COMMITS,
            Topic.DESIRED);
  }

  /** Creates the topic catalogue once per JVM, as a service does at start. */
  public static void ensureTopics() {
    LogTail.ensureTopics(SharedKafka.bootstrapServers());
  }

  /** The CommitObserved events so far, in log order. */
  public List<CommitObserved> observed() {
    return tail.data(CommitObserved.class);
  }

  /** The CommitRejected events so far. */
  public List<CommitRejected> rejected() {
    return tail.data(CommitRejected.class);
  }

  /** The envelopes on opsledger.commits so far. */
  public List<EventEnvelope<OpsLedgerEvent>> commitEnvelopes() {
    return on(Topic.COMMITS).stream().map(ScannedRecord::event).toList();
  }

  /** The envelopes on opsledger.desired so far. */
  public List<EventEnvelope<OpsLedgerEvent>> desiredEnvelopes() {
    return on(Topic.DESIRED).stream().map(ScannedRecord::event).toList();
  }

  /** The DesiredStateChanged events of a revision. */
  public List<DesiredStateChanged> changedAt(String sha) {
    return tail.data(DesiredStateChanged.class).stream()
        .filter(d -> d.revision().equals(sha))
        .toList();
  }

  /** The DesiredStateRemoved events of a revision. */
  public List<DesiredStateRemoved> removedAt(String sha) {
    return tail.data(DesiredStateRemoved.class).stream()
        .filter(d -> d.revision().equals(sha))
        .toList();
  }

  /** The raw JSON bodies of this source's desired records. */
  public List<String> rawDesired() {
    return on(Topic.DESIRED).stream()
        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
        .toList();
  }

  @Override
  public void close() {
    tail.close();
  }

  private List<ScannedRecord> on(Topic topic) {
    return tail.records().stream().filter(r -> r.topic().equals(topic.topicName())).toList();
  }

  private static boolean mine(OpsLedgerEvent d, String sourceId) {
    return (d instanceof CommitObserved c && c.sourceId().equals(sourceId))
        || (d instanceof CommitRejected cr && cr.sourceId().equals(sourceId))
        || (d instanceof DesiredStateChanged dc && dc.sourceId().equals(sourceId))
        || (d instanceof DesiredStateRemoved dr && dr.sourceId().equals(sourceId));
  }
}
