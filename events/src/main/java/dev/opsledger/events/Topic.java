package dev.opsledger.events;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The topic catalogue: every topic OpsLedger writes, with the configuration the services create it
 * with. Users who pre-create topics should use the same settings (see the README).
 *
 * <p>Records are limited to {@link #MAX_RECORD_BYTES}: large custom resource definitions exceed
 * Kafka's 1 MiB default, so the topic's {@code max.message.bytes} and the producer's {@code
 * max.request.size} are raised together, and producers compress with zstd.
 */
public enum Topic {
  /** Every commit seen on a tracked branch, and rejected commits; the git-watcher's checkpoint. */
  COMMITS("opsledger.commits", "source id", 3, null),
  /** Declared state per resource at each revision. */
  DESIRED("opsledger.desired", "ResourceKey", 12, null),
  /** Live state per resource; high volume, so kept for 7 days (drift evidence is in diffs). */
  OBSERVED("opsledger.observed", "ResourceKey", 12, Duration.ofDays(7)),
  /** Diff state changes per resource: what users subscribe to. */
  DIFFS("opsledger.diffs", "ResourceKey", 12, null),
  /** Apply attempts and outcomes per resource. */
  APPLIES("opsledger.applies", "ResourceKey (source id for PruneHeld)", 12, null),
  /** Manual sync approvals, keyed by resource (or source id for a whole revision). */
  APPROVALS("opsledger.approvals", "ResourceKey or source id", 12, null),
  /** Notifications sent or failed. */
  NOTIFICATIONS("opsledger.notifications", "ResourceKey or source id", 12, null),
  /**
   * Pull request previews (rendered, rejected, diffed, closed), apart from real changes so that
   * replays and audit never mistake them for commits; keyed by {@code <source id>#<number>}.
   */
  PREVIEWS("opsledger.previews", "source id#pull request number", 3, null);

  /** The largest record a topic accepts and a producer sends: 16 MiB. */
  public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

  /** The suffix of each topic's dead-letter topic. */
  public static final String DLQ_SUFFIX = ".dlq";

  private final String topicName;
  private final String key;
  private final int partitions;
  private final Duration retention;

  Topic(String topicName, String key, int partitions, Duration retention) {
    this.topicName = topicName;
    this.key = key;
    this.partitions = partitions;
    this.retention = retention;
  }

  /** The topic's name, e.g. {@code opsledger.diffs}. */
  public String topicName() {
    return topicName;
  }

  /** What the record key is, for people. */
  public String key() {
    return key;
  }

  /** The number of partitions the services create it with. */
  public int partitions() {
    return partitions;
  }

  /** How long records are kept; {@code null} means forever. */
  public Duration retention() {
    return retention;
  }

  /** The name of this topic's dead-letter topic, e.g. {@code opsledger.diffs.dlq}. */
  public String dlqName() {
    return topicName + DLQ_SUFFIX;
  }

  /**
   * The topic-level configuration this topic is created with: delete policy (never compacted: the
   * log is history), retention, and the raised record size limit.
   */
  public Map<String, String> config() {
    return configFor(retention);
  }

  /** The configuration of the dead-letter topic: kept forever. */
  public Map<String, String> dlqConfig() {
    return configFor(null);
  }

  /** Looks a topic up by name, e.g. {@code opsledger.diffs}. */
  public static Topic byName(String name) {
    for (Topic t : values()) {
      if (t.topicName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no OpsLedger topic is named '" + name + "'");
  }

  /**
   * Settings a producer of OpsLedger events needs: zstd compression, idempotence, and a request
   * size matching {@link #MAX_RECORD_BYTES}. Keys are Kafka's producer config names.
   */
  public static Map<String, String> producerSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("compression.type", "zstd");
    m.put("enable.idempotence", "true");
    m.put("acks", "all");
    m.put("max.request.size", Integer.toString(MAX_RECORD_BYTES));
    return m;
  }

  /**
   * Settings a consumer of OpsLedger events needs to fetch the largest records. Keys are Kafka's
   * consumer config names.
   */
  public static Map<String, String> consumerSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("max.partition.fetch.bytes", Integer.toString(MAX_RECORD_BYTES));
    m.put("fetch.max.bytes", Integer.toString(MAX_RECORD_BYTES * 2));
    m.put("isolation.level", "read_committed");
    return m;
  }

  private static Map<String, String> configFor(Duration retention) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("cleanup.policy", "delete");
    m.put("retention.ms", retention == null ? "-1" : Long.toString(retention.toMillis()));
    m.put("retention.bytes", "-1");
    m.put("max.message.bytes", Integer.toString(MAX_RECORD_BYTES));
    m.put("compression.type", "producer");
    return m;
  }
}
