package dev.opsledger.differ.stream;

import dev.opsledger.differ.preview.LiveView;
import dev.opsledger.differ.preview.PreviewDiffs;
import dev.opsledger.differ.reconcile.DiffPolicy;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.PreviewDiffed;
import dev.opsledger.events.PreviewRendered;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.service.EventMessages;
import dev.opsledger.service.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.messaging.Message;

/**
 * Consumes {@code opsledger.previews}: each {@code PreviewRendered} is compared with the live state
 * the differ keeps and answered by one {@code PreviewDiffed} on the same topic. Other preview types
 * (its own answers, rejections, closes) are skipped.
 */
public class PreviewInputs {

  private final EventMessages messages;
  private final Function<ResourceKey, LiveView> live;
  private final DiffPolicy policy;
  private final EventPublisher publisher;
  private final String source;
  private final Duration timeout;
  private final Clock clock;
  private final MeterRegistry meters;

  /**
   * The handler.
   *
   * @param messages decodes records
   * @param live the live state, read-only
   * @param policy the engine and ignore rules the aggregates use
   * @param publisher writes the answer
   * @param source the differ's {@code ce_source}
   * @param timeout how long to wait for the answer's acknowledgement
   * @param clock stamps the answer
   * @param meters counts previews
   */
  public PreviewInputs(
      EventMessages messages,
      Function<ResourceKey, LiveView> live,
      DiffPolicy policy,
      EventPublisher publisher,
      String source,
      Duration timeout,
      Clock clock,
      MeterRegistry meters) {
    this.messages = messages;
    this.live = live;
    this.policy = policy;
    this.publisher = publisher;
    this.source = source;
    this.timeout = timeout;
    this.clock = clock;
    this.meters = meters;
  }

  /**
   * Handles one record. Idempotent: the answer's id derives from the input's {@code ce_id}, so a
   * redelivered record writes an answer consumers deduplicate; nothing else is written.
   *
   * @throws dev.opsledger.service.PoisonRecordException for an unreadable record (to the DLQ)
   */
  public void accept(Message<byte[]> message) {
    EventEnvelope<?> envelope = messages.decode(message);
    if (!(envelope.data() instanceof PreviewRendered rendered)) {
      return;
    }
    PreviewDiffed diffed = PreviewDiffs.compare(rendered, live, policy::diff);
    String id =
        UUID.nameUUIDFromBytes(("preview-diff|" + envelope.id()).getBytes(StandardCharsets.UTF_8))
            .toString();
    publisher.publishAndWait(
        new EventEnvelope<>(
            id,
            source,
            clock.instant().truncatedTo(ChronoUnit.MILLIS),
            envelope.correlation(),
            envelope.id(),
            "",
            diffed),
        timeout);
    meters.counter("opsledger.differ.previews").increment();
  }
}
