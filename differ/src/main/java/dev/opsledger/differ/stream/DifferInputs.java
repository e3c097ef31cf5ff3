package dev.opsledger.differ.stream;

import dev.opsledger.differ.reconcile.InputOutcome;
import dev.opsledger.differ.reconcile.ResourceReconciliation;
import dev.opsledger.service.EventMessages;
import dev.opsledger.service.tracing.EventTracing;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.messaging.Message;

/**
 * Hands each consumed record to its resource's aggregate and waits for the command to be handled,
 * so that the binder commits the offset only after the aggregate recorded (or deduped) it.
 */
public class DifferInputs {

  /**
   * The Axon metadata key of the trace context: the record's span, copied onto the events the
   * command causes ({@code DifferConfiguration#differCorrelationData}), from which the outbox
   * continues the trace on its own thread.
   */
  public static final String TRACEPARENT = ResourceReconciliation.TRACEPARENT;

  private final EventMessages messages;
  private final CommandGateway commands;
  private final MeterRegistry meters;

  /** Creates the handler. */
  public DifferInputs(EventMessages messages, CommandGateway commands, MeterRegistry meters) {
    this.messages = messages;
    this.commands = commands;
    this.meters = meters;
  }

  /**
   * Handles one record. Idempotent: the aggregate dedupes on the input's {@code ce_id}, its content
   * hash and its revision/observation time, so a redelivered or replayed record changes nothing.
   *
   * @throws dev.opsledger.service.PoisonRecordException for an unreadable record (to the DLQ)
   */
  public void accept(Message<byte[]> message) {
    var envelope = messages.decode(message);
    var command = InputCommands.commandFor(envelope);
    if (command.isEmpty()) {
      meters.counter("opsledger.differ.inputs", "outcome", "IGNORED").increment();
      return;
    }
    String traceparent = EventTracing.currentTraceparent();
    Object sent =
        traceparent.isEmpty()
            ? command.get()
            : GenericCommandMessage.asCommandMessage(command.get())
                .andMetaData(Map.of(TRACEPARENT, traceparent));
    InputOutcome outcome = commands.sendAndWait(sent);
    meters
        .counter("opsledger.differ.inputs", "outcome", outcome == null ? "NONE" : outcome.name())
        .increment();
  }
}
