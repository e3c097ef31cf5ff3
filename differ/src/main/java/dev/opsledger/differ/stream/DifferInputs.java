package dev.opsledger.differ.stream;

import dev.opsledger.differ.reconcile.InputOutcome;
import dev.opsledger.differ.reconcile.ResourceReconciliation;
import dev.opsledger.differ.stream.PolledRecords.Polled;
import dev.opsledger.events.CloudEventHeaders;
import dev.opsledger.events.EventType;
import dev.opsledger.service.EventMessages;
import dev.opsledger.service.PoisonRecordException;
import dev.opsledger.service.core.LogContext;
import dev.opsledger.service.tracing.EventTracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.messaging.Message;

/**
 * Hands the records of a poll to their resources' aggregates and waits for the commands to be
 * handled, so that the binder commits the poll's offsets only after the aggregates recorded (or
 * deduped) them.
 *
 * <p>The records of a poll are handled in one Axon unit of work and one JDBC transaction (at most
 * {@code inputsPerTransaction} records each): each command runs in a nested unit of work, so an
 * aggregate is loaded and locked once per transaction, and the events of all are appended and
 * committed together. One aggregate per resource, and a resource's records in log order; across
 * resources the commands run in order of aggregate id, so that transactions holding their
 * aggregates' locks until they commit (another differ's on the same store too: the database's
 * unique index entries) always lock in the same order and never deadlock. A transaction covers
 * consecutive records only, so what is committed is always a prefix of the poll.
 *
 * <p>When a transaction fails, it is rolled back whole (nothing of it is stored, so nothing is
 * published twice) and its records are handled again one by one, each in its own transaction as a
 * record delivered alone would be. The first record that fails then is reported to the container's
 * error handler ({@link BatchListenerFailedException} with its index): the offsets before it are
 * committed, and it is retried or dead-lettered exactly as a single record is (service-support's
 * {@code ConsumerRetries}), the records after it delivered again. An unreadable record stops the
 * poll the same way, after the records before it were handled.
 */
public class DifferInputs {

  private static final Logger LOG = LoggerFactory.getLogger(DifferInputs.class);

  /**
   * The Axon metadata key of the trace context: the record's span, copied onto the events the
   * command causes ({@code DifferConfiguration#differCorrelationData}), from which the outbox
   * continues the trace on its own thread.
   */
  public static final String TRACEPARENT = ResourceReconciliation.TRACEPARENT;

  /**
   * Records handled by a consumer group, per topic and event type: the meter service-support counts
   * for every record delivered alone, which the batch must count itself.
   */
  static final String CONSUMED = "opsledger.events.consumed";

  /**
   * Inputs whose transaction failed because another differ appended to one of its aggregates first
   * (Axon's {@code ConcurrencyException} on the store's unique (aggregate, sequence) key): handled
   * again, never dead-lettered.
   */
  public static final String CONFLICTS = "opsledger.differ.conflicts";

  /** How many times a record alone is handled at once after a conflict, before backing off. */
  static final int CONFLICT_ATTEMPTS = 5;

  private final EventMessages messages;
  private final CommandGateway commands;
  private final TransactionManager transactions;
  private final EventTracing tracing;
  private final MeterRegistry meters;
  private final int inputsPerTransaction;
  private final Counter conflicts;

  /**
   * Creates the handler.
   *
   * @param transactions the transactions the event store's units of work join
   * @param inputsPerTransaction at most this many records per transaction
   */
  public DifferInputs(
      EventMessages messages,
      CommandGateway commands,
      TransactionManager transactions,
      EventTracing tracing,
      MeterRegistry meters,
      int inputsPerTransaction) {
    this.messages = messages;
    this.commands = commands;
    this.transactions = transactions;
    this.tracing = tracing;
    this.meters = meters;
    this.inputsPerTransaction = inputsPerTransaction;
    this.conflicts =
        Counter.builder(CONFLICTS)
            .description("input transactions that lost a race with another differ, handled again")
            .register(meters);
  }

  /**
   * Handles the records of one poll. Idempotent: the aggregate dedupes on the input's {@code
   * ce_id}, its content hash and its revision/observation time, so a redelivered or replayed record
   * changes nothing, and a poll delivered again after a crash appends no event twice.
   *
   * @param group the consumer group, for the records' spans and meters
   * @throws BatchListenerFailedException naming the first record that is unreadable (to the DLQ) or
   *     that failed on its own (retried); every record before it was handled
   */
  public void accept(Message<List<byte[]>> batch, String group) {
    List<Input> inputs = new ArrayList<>();
    Failure unreadable = null;
    for (Polled polled : PolledRecords.split(batch)) {
      try {
        inputs.add(new Input(polled, InputCommands.commandFor(messages.decode(polled.message()))));
      } catch (PoisonRecordException e) {
        unreadable = new Failure(polled.index(), e);
        break;
      }
    }
    try {
      for (int from = 0; from < inputs.size(); from += inputsPerTransaction) {
        handle(inputs.subList(from, Math.min(inputs.size(), from + inputsPerTransaction)), group);
      }
    } finally {
      LogContext.clear();
    }
    if (unreadable != null) {
      throw new BatchListenerFailedException(
          "unreadable record", unreadable.cause(), unreadable.index());
    }
  }

  /** Handles consecutive records in one transaction, or one by one if that fails. */
  private void handle(List<Input> inputs, String group) {
    List<Handled> handled;
    try {
      handled = inOneTransaction(inputs, group);
    } catch (RuntimeException | Error e) {
      if (isConflict(e)) {
        conflicts.increment();
      }
      LOG.debug("a transaction of {} inputs failed; handling them one by one", inputs.size(), e);
      oneByOne(inputs, group);
      return;
    }
    handled.forEach(h -> count(h, group));
  }

  private List<Handled> inOneTransaction(List<Input> inputs, String group) {
    List<Input> byAggregate =
        inputs.stream()
            .filter(i -> i.command().isPresent())
            .sorted(Comparator.comparing(Input::aggregateId))
            .toList();
    List<Handled> handled = new ArrayList<>(inputs.size());
    if (byAggregate.isEmpty()) {
      inputs.forEach(i -> handled.add(new Handled(i, null)));
      return handled;
    }
    DefaultUnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
    try {
      unitOfWork.attachTransaction(transactions);
      for (Input input : byAggregate) {
        handled.add(new Handled(input, dispatch(input, group)));
      }
      unitOfWork.commit();
    } catch (RuntimeException | Error e) {
      if (unitOfWork.isActive()) {
        unitOfWork.rollback(e);
      }
      throw e;
    }
    inputs.stream()
        .filter(i -> i.command().isEmpty())
        .forEach(i -> handled.add(new Handled(i, null)));
    return handled;
  }

  /** Each record in its own transaction, in log order, up to the first that fails. */
  private void oneByOne(List<Input> inputs, String group) {
    for (Input input : inputs) {
      InputOutcome outcome = null;
      if (input.command().isPresent()) {
        outcome = dispatchAlone(input, group);
      }
      count(new Handled(input, outcome), group);
    }
  }

  /**
   * Sends one record's command in a transaction of its own. A conflict (another differ on the same
   * store appended to the aggregate since it was loaded) is handled again at once, from the store,
   * up to {@value #CONFLICT_ATTEMPTS} times; after that, or on any other failure, the record goes
   * to the container's error handler, which retries it (never dead-letters it).
   */
  private InputOutcome dispatchAlone(Input input, String group) {
    for (int attempt = 1; ; attempt++) {
      try {
        return dispatch(input, group);
      } catch (RuntimeException e) {
        boolean conflict = isConflict(e);
        if (conflict) {
          conflicts.increment();
        }
        if (!conflict || attempt >= CONFLICT_ATTEMPTS) {
          throw new BatchListenerFailedException(
              "input failed: " + input.aggregateId(), e, input.polled().index());
        }
        LOG.debug("conflict on {}, handling it again: {}", input.aggregateId(), e.toString());
      }
    }
  }

  /** Whether a failure is Axon's optimistic concurrency conflict, among its causes. */
  static boolean isConflict(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConcurrencyException) {
        return true;
      }
    }
    return false;
  }

  /** Sends the record's command inside the record's span, with its trace context as metadata. */
  private InputOutcome dispatch(Input input, String group) {
    ConsumerRecord<byte[], byte[]> origin = input.polled().origin();
    LogContext.put(LogContext.RESOURCE, header(origin, CloudEventHeaders.SUBJECT));
    LogContext.put(LogContext.SHA, header(origin, CloudEventHeaders.CORRELATION));
    try (EventTracing.Handling span = tracing.process(origin, group)) {
      String traceparent = EventTracing.currentTraceparent();
      Object command = input.command().orElseThrow();
      Object sent =
          traceparent.isEmpty()
              ? command
              : GenericCommandMessage.asCommandMessage(command)
                  .andMetaData(Map.of(TRACEPARENT, traceparent));
      try {
        return commands.sendAndWait(sent);
      } catch (RuntimeException e) {
        span.failed(e);
        throw e;
      }
    }
  }

  private void count(Handled handled, String group) {
    String outcome =
        handled.input().command().isEmpty()
            ? "IGNORED"
            : handled.outcome() == null ? "NONE" : handled.outcome().name();
    meters.counter("opsledger.differ.inputs", "outcome", outcome).increment();
    ConsumerRecord<byte[], byte[]> origin = handled.input().polled().origin();
    EventType type = EventType.byCeType(header(origin, CloudEventHeaders.TYPE));
    meters
        .counter(
            CONSUMED,
            "group",
            group,
            "topic",
            origin.topic(),
            "type",
            type == null ? "unknown" : type.ceType())
        .increment();
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** A readable record and the command it asks for, if any. */
  private record Input(Polled polled, Optional<Object> command) {
    String aggregateId() {
      return command.map(InputCommands::aggregateId).orElse("");
    }
  }

  private record Handled(Input input, InputOutcome outcome) {}

  private record Failure(int index, RuntimeException cause) {}
}
