package dev.opsledger.differ.outbox;

import dev.opsledger.differ.reconcile.ReconciliationStateChanged;
import dev.opsledger.differ.stream.DifferInputs;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.service.core.LogContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackingToken;

/**
 * Publishes the aggregates' state changes to {@code opsledger.diffs}, from the tracking processor
 * {@value #GROUP}.
 *
 * <p>Idempotent for consumers: the {@code ce_id} is the Axon event's identifier, so an event
 * published again after a crash (the broker acknowledged, the token was not yet stored) has the
 * same id and consumers drop it. A failed publication throws, the processor's propagating error
 * handler makes it retry the batch, and nothing after it is published first: order per resource
 * holds.
 */
@ProcessingGroup(DiffOutbox.GROUP)
public class DiffOutbox {

  /** The tracking processing group. */
  public static final String GROUP = "differ-outbox";

  private final EventPublisher publisher;
  private final ResourceStates states;
  private final String source;
  private final Duration timeout;
  private final Clock clock;
  private final Timer latency;
  private final Counter skipped;
  private volatile RebuildFilter filter;

  /** Creates the outbox. */
  public DiffOutbox(
      EventPublisher publisher,
      ResourceStates states,
      String source,
      Duration timeout,
      Clock clock,
      MeterRegistry meters) {
    this.publisher = publisher;
    this.states = states;
    this.source = source;
    this.timeout = timeout;
    this.clock = clock;
    this.latency =
        Timer.builder("opsledger.differ.input.to.diff")
            .description("time from the input event to the diff event it caused")
            .register(meters);
    this.skipped = meters.counter("opsledger.differ.rebuild.skipped");
  }

  /** Turns on the rebuild filter; called before the processor starts. */
  public void rebuilding(RebuildFilter rebuildFilter) {
    this.filter = rebuildFilter;
  }

  /** Publishes one state change and waits for the broker's acknowledgement. */
  @EventHandler
  public void on(ReconciliationStateChanged change, EventMessage<?> message, TrackingToken token) {
    // The tracking processor's thread: its lines carry the resource and the declared revision.
    try (LogContext context = LogContext.of(change.resource(), change.desiredRevision())) {
      publish(change, message, token);
    }
  }

  private void publish(
      ReconciliationStateChanged change, EventMessage<?> message, TrackingToken token) {
    // The input's span, carried in the event's metadata: the outbox runs on the tracking
    // processor's thread, where no span is current.
    Object traceparent = message.getMetaData().get(DifferInputs.TRACEPARENT);
    var envelope =
        DiffEvents.toContract(
            change, message.getIdentifier(), source, traceparent instanceof String t ? t : "");
    if (envelope.isEmpty()) {
      return;
    }
    PublishedState said = new PublishedState(change.state(), change.fingerprint());
    String key = change.resource().toString();
    RebuildFilter f = filter;
    if (f != null) {
      long position = token == null ? Long.MAX_VALUE : token.position().orElse(Long.MAX_VALUE);
      boolean latest = states.isLatest(change.reconciliationId(), message.getIdentifier());
      if (!f.shouldPublish(key, said, position, latest)) {
        skipped.increment();
        return;
      }
    }
    publisher.publishAndWait(envelope.get(), timeout);
    if (f != null) {
      f.published(key, said);
    }
    if (change.causeTime() != null) {
      Duration took = Duration.between(change.causeTime(), clock.instant());
      latency.record(took.isNegative() ? Duration.ZERO : took);
    }
  }
}
