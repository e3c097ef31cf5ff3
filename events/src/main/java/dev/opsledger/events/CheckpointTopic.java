package dev.opsledger.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint topics: compacted topics where a service keeps a snapshot of the state it rebuilds
 * from the log at start, with the offsets that snapshot covers, so that a restart reads the
 * snapshot and the records after it instead of whole topics from offset 0.
 *
 * <p>They hold derived data, never history: deleting one changes no answer, only the time the next
 * start takes (it falls back to a full read). One partition each, so a snapshot's chunks and its
 * manifest stay in order; records are far below {@link Topic#MAX_RECORD_BYTES} because a snapshot
 * is written in chunks.
 */
public enum CheckpointTopic {
  /** The applier's replayed state: desired manifests, latest diffs, outcomes, approvals. */
  APPLIER("opsledger.applier.checkpoints", "applier"),
  /** The differ's view of what was last published per resource, for a rebuild. */
  DIFFER("opsledger.differ.checkpoints", "differ");

  private final String topicName;
  private final String service;

  CheckpointTopic(String topicName, String service) {
    this.topicName = topicName;
    this.service = service;
  }

  /** The topic's name, e.g. {@code opsledger.applier.checkpoints}. */
  public String topicName() {
    return topicName;
  }

  /** The service that writes it. */
  public String service() {
    return service;
  }

  /** One partition: the chunks of a snapshot and its manifest must stay in order. */
  public int partitions() {
    return 1;
  }

  /**
   * Compacted, so only the newest value of each key is kept; segments roll hourly and are cleaned
   * early, so superseded snapshots do not pile up in the active segment.
   */
  public Map<String, String> config() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("cleanup.policy", "compact");
    m.put("retention.ms", "-1");
    m.put("retention.bytes", "-1");
    m.put("segment.ms", "3600000");
    m.put("min.cleanable.dirty.ratio", "0.1");
    m.put("delete.retention.ms", "3600000");
    m.put("max.message.bytes", Integer.toString(Topic.MAX_RECORD_BYTES));
    m.put("compression.type", "producer");
    return m;
  }
}
