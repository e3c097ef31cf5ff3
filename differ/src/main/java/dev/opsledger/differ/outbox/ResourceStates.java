package dev.opsledger.differ.outbox;

import dev.opsledger.differ.reconcile.ReconcileState;
import dev.opsledger.differ.reconcile.ReconciliationStateChanged;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;

/**
 * The latest state change of every resource: the gauge {@code opsledger.differ.resources{state}},
 * and, for a rebuild, which change is a resource's latest. Kept by a tracking processor ({@value
 * #GROUP}) that reads the event store from its first event, its token in memory: each replica reads
 * every change, whichever differ on the shared store recorded it. Updates are ordered by the
 * aggregate's sequence number, so reading an event again changes nothing.
 */
@ProcessingGroup(ResourceStates.GROUP)
public class ResourceStates {

  /** The tracking processing group. */
  public static final String GROUP = "differ-states";

  private final Map<String, Latest> latest = new HashMap<>();
  private final Map<ReconcileState, AtomicLong> counts = new EnumMap<>(ReconcileState.class);

  /** The latest change of a resource. */
  private record Latest(String eventId, long sequence, ReconcileState state) {}

  /** Creates the index and registers its gauges. */
  public ResourceStates(MeterRegistry meters) {
    for (ReconcileState s : ReconcileState.values()) {
      AtomicLong count = new AtomicLong();
      counts.put(s, count);
      Gauge.builder("opsledger.differ.resources", count, AtomicLong::get)
          .description("resources by diff state")
          .tag("state", s.name())
          .register(meters);
    }
  }

  /** Keeps the index up to date. Idempotent: an older or equal sequence number changes nothing. */
  @EventHandler
  public void on(ReconciliationStateChanged change, EventMessage<?> message) {
    record(change.reconciliationId(), message, change.state());
  }

  /** Whether this event is the resource's latest state change. */
  public synchronized boolean isLatest(String reconciliationId, String eventId) {
    Latest l = latest.get(reconciliationId);
    return l != null && l.eventId().equals(eventId);
  }

  /** How many resources are in a state. */
  public long count(ReconcileState state) {
    return counts.get(state).get();
  }

  /** How many resources have a state. */
  public synchronized int size() {
    return latest.size();
  }

  private synchronized void record(String id, EventMessage<?> message, ReconcileState state) {
    long sequence =
        message instanceof DomainEventMessage<?> d ? d.getSequenceNumber() : Long.MAX_VALUE;
    Latest before = latest.get(id);
    if (before != null && before.sequence() >= sequence) {
      return;
    }
    latest.put(id, new Latest(message.getIdentifier(), sequence, state));
    if (before != null) {
      counts.get(before.state()).decrementAndGet();
    }
    counts.get(state).incrementAndGet();
  }
}
