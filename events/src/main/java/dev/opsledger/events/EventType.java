package dev.opsledger.events;

import java.util.HashMap;
import java.util.Map;

/**
 * Every event type: its CloudEvents {@code ce_type}, record class, current schema version and the
 * topic it is written to. A {@code ce_type} is never renamed or reused.
 */
public enum EventType {
  COMMIT_OBSERVED("dev.opsledger.commit.observed", CommitObserved.class, 3, Topic.COMMITS),
  COMMIT_REJECTED("dev.opsledger.commit.rejected", CommitRejected.class, 1, Topic.COMMITS),
  DESIRED_STATE_CHANGED(
      "dev.opsledger.desired.changed", DesiredStateChanged.class, 2, Topic.DESIRED),
  DESIRED_STATE_REMOVED(
      "dev.opsledger.desired.removed", DesiredStateRemoved.class, 3, Topic.DESIRED),
  OBSERVED_STATE_CHANGED(
      "dev.opsledger.observed.changed", ObservedStateChanged.class, 2, Topic.OBSERVED),
  OBSERVED_STATE_ABSENT(
      "dev.opsledger.observed.absent", ObservedStateAbsent.class, 1, Topic.OBSERVED),
  OBSERVATION_FAILED("dev.opsledger.observed.failed", ObservationFailed.class, 1, Topic.OBSERVED),
  RESOURCE_HEALTH_CHANGED(
      "dev.opsledger.observed.health", ResourceHealthChanged.class, 1, Topic.OBSERVED),
  DRIFT_DETECTED("dev.opsledger.diff.detected", DriftDetected.class, 1, Topic.DIFFS),
  RESOURCE_IN_SYNC("dev.opsledger.diff.insync", ResourceInSync.class, 1, Topic.DIFFS),
  RESOURCE_MISSING("dev.opsledger.diff.missing", ResourceMissing.class, 1, Topic.DIFFS),
  RESOURCE_EXTRANEOUS("dev.opsledger.diff.extraneous", ResourceExtraneous.class, 2, Topic.DIFFS),
  RESOURCE_REMOVED("dev.opsledger.diff.removed", ResourceRemoved.class, 1, Topic.DIFFS),
  DIFF_FAILED("dev.opsledger.diff.failed", DiffFailed.class, 1, Topic.DIFFS),
  APPLY_STARTED("dev.opsledger.apply.started", ApplyStarted.class, 1, Topic.APPLIES),
  APPLY_SUCCEEDED("dev.opsledger.apply.succeeded", ApplySucceeded.class, 1, Topic.APPLIES),
  APPLY_FAILED("dev.opsledger.apply.failed", ApplyFailed.class, 1, Topic.APPLIES),
  APPLY_SKIPPED("dev.opsledger.apply.skipped", ApplySkipped.class, 1, Topic.APPLIES),
  PRUNE_HELD("dev.opsledger.apply.pruneheld", PruneHeld.class, 1, Topic.APPLIES),
  FIELDS_CONFLICTED("dev.opsledger.apply.conflicted", FieldsConflicted.class, 1, Topic.APPLIES),
  SYNC_APPROVED("dev.opsledger.sync.approved", SyncApproved.class, 1, Topic.APPROVALS),
  ROLLBACK_REQUESTED("dev.opsledger.sync.rollback", RollbackRequested.class, 1, Topic.APPROVALS),
  SYNC_RESUMED("dev.opsledger.sync.resumed", SyncResumed.class, 1, Topic.APPLIES),
  NOTIFICATION_SENT(
      "dev.opsledger.notification.sent", NotificationSent.class, 1, Topic.NOTIFICATIONS),
  NOTIFICATION_FAILED(
      "dev.opsledger.notification.failed", NotificationFailed.class, 1, Topic.NOTIFICATIONS),
  NOTIFICATION_FOLDED(
      "dev.opsledger.notification.folded", NotificationFolded.class, 1, Topic.NOTIFICATIONS),
  PREVIEW_RENDERED("dev.opsledger.preview.rendered", PreviewRendered.class, 1, Topic.PREVIEWS),
  PREVIEW_REJECTED("dev.opsledger.preview.rejected", PreviewRejected.class, 1, Topic.PREVIEWS),
  PREVIEW_DIFFED("dev.opsledger.preview.diffed", PreviewDiffed.class, 1, Topic.PREVIEWS),
  PREVIEW_CLOSED("dev.opsledger.preview.closed", PreviewClosed.class, 1, Topic.PREVIEWS);

  private static final Map<String, EventType> BY_CE_TYPE = new HashMap<>();
  private static final Map<Class<?>, EventType> BY_CLASS = new HashMap<>();

  static {
    for (EventType t : values()) {
      BY_CE_TYPE.put(t.ceType, t);
      BY_CLASS.put(t.recordClass, t);
    }
  }

  private final String ceType;
  private final Class<? extends OpsLedgerEvent> recordClass;
  private final int version;
  private final Topic topic;

  EventType(String ceType, Class<? extends OpsLedgerEvent> recordClass, int version, Topic topic) {
    this.ceType = ceType;
    this.recordClass = recordClass;
    this.version = version;
    this.topic = topic;
  }

  /** The CloudEvents {@code ce_type}. */
  public String ceType() {
    return ceType;
  }

  /** The record class. */
  public Class<? extends OpsLedgerEvent> recordClass() {
    return recordClass;
  }

  /** The schema version events of this type are written with now. */
  public int version() {
    return version;
  }

  /** The topic events of this type go to. */
  public Topic topic() {
    return topic;
  }

  /**
   * The {@code ce_dataschema} URI for a version of this type; it names the JSON Schema file shipped
   * in this module, {@code schemas/<ce_type>.v<version>.json}.
   */
  public String dataSchema(int schemaVersion) {
    return "urn:opsledger:schema:" + ceType + ":" + schemaVersion;
  }

  /** The classpath resource of the current JSON Schema of this type. */
  public String schemaResource() {
    return "/schemas/" + ceType + ".v" + version + ".json";
  }

  /** The type with this {@code ce_type}, or {@code null}. */
  public static EventType byCeType(String ceType) {
    return BY_CE_TYPE.get(ceType);
  }

  /** The type of an event record. */
  public static EventType of(OpsLedgerEvent event) {
    return of(event.getClass());
  }

  /** The type of an event record class. */
  public static EventType of(Class<?> recordClass) {
    EventType t = BY_CLASS.get(recordClass);
    if (t == null) {
      throw new IllegalArgumentException("not an OpsLedger event type: " + recordClass.getName());
    }
    return t;
  }

  /**
   * Reads the schema version from a {@code ce_dataschema} URI of this type.
   *
   * @return the version, or -1 when the URI is not one of this type's
   */
  public int versionOf(String dataSchema) {
    String prefix = "urn:opsledger:schema:" + ceType + ":";
    if (dataSchema == null || !dataSchema.startsWith(prefix)) {
      return -1;
    }
    try {
      return Integer.parseInt(dataSchema.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
