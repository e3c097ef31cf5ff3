package dev.opsledger.events;

/**
 * Every event OpsLedger writes. Implementations are immutable records; their {@code ce_type} and
 * schema version are declared in {@link EventType}.
 */
public sealed interface OpsLedgerEvent
    permits ResourceEvent,
        CommitObserved,
        CommitRejected,
        SyncApproved,
        PruneHeld,
        NotificationSent,
        NotificationFailed,
        NotificationFolded,
        PreviewRendered,
        PreviewRejected,
        PreviewDiffed,
        PreviewClosed {

  /** The CloudEvents subject and Kafka record key: a resource key text or a source id. */
  String subject();
}
