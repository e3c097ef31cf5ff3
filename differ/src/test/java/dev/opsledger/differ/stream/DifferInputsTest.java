package dev.opsledger.differ.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.differ.ItSupport;
import dev.opsledger.differ.reconcile.InputOutcome;
import dev.opsledger.differ.reconcile.RecordDesiredState;
import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventHeader;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.service.EventMessages;
import dev.opsledger.service.PoisonRecordException;
import dev.opsledger.service.tracing.EventTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * A poll's records in one transaction: what is committed together, in which order a resource's
 * records reach its aggregate, and what the container's error handler is told when a record is
 * unreadable or its command fails.
 */
class DifferInputsTest {

  static final Instant T1 = Instant.parse("2026-03-01T09:00:00Z");

  final EventCodec codec = new EventCodec();
  final List<String> dispatched = new ArrayList<>();
  final List<List<String>> committed = new ArrayList<>();
  final List<List<String>> rolledBack = new ArrayList<>();
  final Set<String> failing = new java.util.HashSet<>();

  /** Revisions whose next N sends lose a race with another differ (Axon's conflict). */
  final Map<String, Integer> conflicting = new HashMap<>();

  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** Records which revisions each transaction covered, and whether it committed. */
  final TransactionManager transactions =
      new TransactionManager() {
        @Override
        public Transaction startTransaction() {
          int from = dispatched.size();
          return new Transaction() {
            @Override
            public void commit() {
              committed.add(List.copyOf(dispatched.subList(from, dispatched.size())));
            }

            @Override
            public void rollback() {
              rolledBack.add(List.copyOf(dispatched.subList(from, dispatched.size())));
            }
          };
        }
      };

  /** Records each command's revision; fails those in {@link #failing}. */
  final CommandGateway gateway =
      (CommandGateway)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {CommandGateway.class},
              (proxy, method, args) -> {
                if (!method.getName().equals("sendAndWait")) {
                  throw new UnsupportedOperationException(method.getName());
                }
                Object sent = args[0];
                Object command =
                    sent instanceof CommandMessage<?> m ? m.getPayload() : (Object) sent;
                String revision = ((RecordDesiredState) command).revision();
                dispatched.add(revision);
                if (failing.contains(revision)) {
                  throw new IllegalStateException("the store refused " + revision);
                }
                if (conflicting.merge(revision, -1, Integer::sum) >= 0) {
                  throw new ConcurrencyException("another differ appended to " + revision);
                }
                return InputOutcome.RECORDED;
              });

  DifferInputs inputs(int perTransaction) {
    return new DifferInputs(
        new EventMessages(codec, null),
        gateway,
        transactions,
        EventTracing.off(),
        meters,
        perTransaction);
  }

  static ResourceKey key(String name) {
    return ResourceKey.of("batch-test", "", "ConfigMap", "shop", name);
  }

  static EventEnvelope<OpsLedgerEvent> desired(String name, String revision) {
    ResourceKey key = key(name);
    return ItSupport.desired(key, revision, ItSupport.manifest(key, revision), T1);
  }

  /** One poll as the binder hands it over in batch mode; {@code null} is an unreadable record. */
  Message<List<byte[]>> poll(List<EventEnvelope<OpsLedgerEvent>> events) {
    List<byte[]> values = new ArrayList<>();
    List<Map<String, Object>> headers = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    for (EventEnvelope<OpsLedgerEvent> event : events) {
      Map<String, Object> h = new HashMap<>();
      if (event == null) {
        values.add("{not an event".getBytes(StandardCharsets.UTF_8));
      } else {
        EncodedEvent encoded = codec.encode(event);
        for (EventHeader header : encoded.headers()) {
          h.put(header.name(), header.value());
        }
        values.add(encoded.value());
      }
      headers.add(h);
      offsets.add((long) offsets.size());
    }
    return MessageBuilder.withPayload(values)
        .setHeader(KafkaHeaders.BATCH_CONVERTED_HEADERS, headers)
        .setHeader(KafkaHeaders.OFFSET, offsets)
        .setHeader(
            KafkaHeaders.RECEIVED_TOPIC, values.stream().map(v -> "opsledger.desired").toList())
        .build();
  }

  @Test
  void handlesAPollInOneTransactionWithEachResourcesRecordsInLogOrder() {
    inputs(500)
        .accept(
            poll(
                List.of(
                    desired("b", "b1"),
                    desired("a", "a1"),
                    desired("b", "b2"),
                    desired("c", "c1"),
                    desired("a", "a2"))),
            "g");

    assertThat(committed).hasSize(1);
    assertThat(committed.get(0)).containsExactlyInAnyOrder("a1", "a2", "b1", "b2", "c1");
    assertThat(dispatched.stream().filter(r -> r.startsWith("a"))).containsExactly("a1", "a2");
    assertThat(dispatched.stream().filter(r -> r.startsWith("b"))).containsExactly("b1", "b2");
    assertThat(rolledBack).isEmpty();
  }

  @Test
  void commitsAtMostTheConfiguredNumberOfConsecutiveRecordsPerTransaction() {
    inputs(2)
        .accept(
            poll(
                List.of(
                    desired("e", "e1"),
                    desired("d", "d1"),
                    desired("c", "c1"),
                    desired("b", "b1"),
                    desired("a", "a1"))),
            "g");

    assertThat(committed).containsExactly(List.of("d1", "e1"), List.of("b1", "c1"), List.of("a1"));
  }

  @Test
  void aFailingCommandRollsItsTransactionBackAndOnlyTheRecordsBeforeItAreHandled() {
    failing.add("d1");

    assertThatThrownBy(
            () ->
                inputs(500)
                    .accept(
                        poll(
                            List.of(
                                desired("a", "a1"),
                                desired("b", "b1"),
                                desired("c", "c1"),
                                desired("d", "d1"),
                                desired("e", "e1"),
                                desired("f", "f1"))),
                        "g"))
        .isInstanceOfSatisfying(
            BatchListenerFailedException.class, e -> assertThat(e.getIndex()).isEqualTo(3))
        .hasRootCauseMessage("the store refused d1");

    // Nothing of the poll's transaction is stored; then a1, b1, c1 alone (each the command bus's
    // own transaction, as a record delivered alone), and d1 is left to the error handler, which
    // commits the offsets before it and delivers e1 and f1 again.
    assertThat(rolledBack).containsExactly(List.of("a1", "b1", "c1", "d1"));
    assertThat(committed).isEmpty();
    assertThat(dispatched).containsExactly("a1", "b1", "c1", "d1", "a1", "b1", "c1", "d1");
  }

  @Test
  void anUnreadableRecordIsReportedAfterTheRecordsBeforeItAreCommitted() {
    var unreadable = new ArrayList<EventEnvelope<OpsLedgerEvent>>();
    unreadable.add(desired("a", "a1"));
    unreadable.add(desired("b", "b1"));
    unreadable.add(null);
    unreadable.add(desired("c", "c1"));

    assertThatThrownBy(() -> inputs(500).accept(poll(unreadable), "g"))
        .isInstanceOfSatisfying(
            BatchListenerFailedException.class, e -> assertThat(e.getIndex()).isEqualTo(2))
        .hasCauseInstanceOf(PoisonRecordException.class);

    assertThat(committed).containsExactly(List.of("a1", "b1"));
    assertThat(dispatched).doesNotContain("c1");
  }

  @Test
  void aConflictWithAnotherDifferIsHandledAgainFromTheStoreAndCounted() {
    // The poll's transaction loses the race on b1, and b1 alone loses it once more.
    conflicting.put("b1", 2);

    inputs(500).accept(poll(List.of(desired("a", "a1"), desired("b", "b1"))), "g");

    assertThat(rolledBack).containsExactly(List.of("a1", "b1"));
    assertThat(dispatched).containsExactly("a1", "b1", "a1", "b1", "b1");
    assertThat(meters.counter(DifferInputs.CONFLICTS).count()).isEqualTo(2.0);
  }

  @Test
  void aConflictThatLastsIsLeftToTheErrorHandlerWhichRetriesIt() {
    conflicting.put("a1", 100);

    assertThatThrownBy(() -> inputs(500).accept(poll(List.of(desired("a", "a1"))), "g"))
        .isInstanceOfSatisfying(
            BatchListenerFailedException.class, e -> assertThat(e.getIndex()).isEqualTo(0))
        .hasRootCauseInstanceOf(ConcurrencyException.class);
    // Transient for service-support's retries: never dead-lettered.
    assertThat(
            dev.opsledger.service.ConsumerFailures.classify(
                new BatchListenerFailedException("x", new ConcurrencyException("conflict"), 0)))
        .isEqualTo(dev.opsledger.service.ConsumerFailures.Kind.TRANSIENT);
  }
}
