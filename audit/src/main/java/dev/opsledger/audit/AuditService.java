package dev.opsledger.audit;

import dev.opsledger.audit.Answers.Change;
import dev.opsledger.audit.Answers.CommitTimeline;
import dev.opsledger.audit.Answers.ResourceHistory;
import dev.opsledger.audit.Answers.StateAt;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The audit over a Kafka cluster: each question reads the topics it needs from the log and folds
 * them with {@link AuditProjections}. Every call opens its own reader, so calls may run
 * concurrently.
 */
public final class AuditService {

  private static final Set<Topic> STATE_TOPICS =
      EnumSet.of(Topic.DESIRED, Topic.OBSERVED, Topic.DIFFS, Topic.APPLIES);

  private final KafkaConnection connection;

  /** An audit of the plaintext cluster at {@code bootstrapServers}. */
  public AuditService(String bootstrapServers) {
    this(KafkaConnection.of(bootstrapServers));
  }

  /** An audit of the cluster {@code connection} reaches, with its client properties. */
  public AuditService(KafkaConnection connection) {
    this.connection = connection;
  }

  /** Everything that happened to one resource in {@code [from, to]} (nulls: the whole log). */
  public ResourceHistory history(ResourceKey key, Instant from, Instant to) {
    try (LogReader reader = new LogReader(connection)) {
      return history(reader, key, from, to);
    }
  }

  /**
   * The history of one resource read with {@code reader}: the commits, and of each per-resource
   * topic only the partition the resource's key is written to.
   */
  static ResourceHistory history(LogReader reader, ResourceKey key, Instant from, Instant to) {
    EnumSet<Topic> perResource = EnumSet.complementOf(EnumSet.of(Topic.COMMITS));
    List<LoggedEvent> events = reader.readKey(perResource, key.toString(), from, to);
    // Every commit up to the end of the range, those before it too: they name the authors and pull
    // requests of the desired revisions in it.
    List<LoggedEvent> commits = reader.read(EnumSet.of(Topic.COMMITS), null, to);
    commits.addAll(events);
    commits.sort(LoggedEvent.LOG_ORDER);
    return AuditProjections.history(commits, key);
  }

  /** The state of every resource at {@code at}. */
  public StateAt stateAt(Instant at) {
    try (LogReader reader = new LogReader(connection)) {
      return AuditProjections.stateAt(reader.read(STATE_TOPICS, null, at), at);
    }
  }

  /** How one commit went through the pipeline. */
  public CommitTimeline timeline(String sha) {
    try (LogReader reader = new LogReader(connection)) {
      return AuditProjections.timeline(reader.read(EnumSet.allOf(Topic.class), null, null), sha);
    }
  }

  /** Who changed what in {@code [since, until]}. */
  public List<Change> who(Instant since, Instant until) {
    try (LogReader reader = new LogReader(connection)) {
      List<LoggedEvent> events =
          reader.read(EnumSet.of(Topic.COMMITS, Topic.DESIRED, Topic.APPROVALS), null, until);
      return AuditProjections.who(events, since, until);
    }
  }
}
