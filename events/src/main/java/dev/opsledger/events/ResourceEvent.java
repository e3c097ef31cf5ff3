package dev.opsledger.events;

/** An event about one resource; it is keyed by that resource on its topic. */
public sealed interface ResourceEvent extends OpsLedgerEvent
    permits DesiredStateChanged,
        DesiredStateRemoved,
        ObservedStateChanged,
        ObservedStateAbsent,
        ObservationFailed,
        ResourceHealthChanged,
        DiffEvent,
        ApplyEvent,
        RollbackRequested,
        SyncResumed {

  /** The resource the event is about. */
  ResourceKey resource();

  @Override
  default String subject() {
    return resource().toString();
  }
}
