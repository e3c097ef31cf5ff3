package dev.opsledger.service.lease;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.testkit.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two replicas of a service on one broker: exactly one holds the lease; closing it hands the lease
 * over at once, a crash (no leave) after the session timeout; what a standby forwards reaches the
 * holder only. The hand-over times are logged as figures, not asserted.
 */
class ServiceLeaseIT {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceLeaseIT.class);

  /** The broker's smallest session timeout ({@code group.min.session.timeout.ms}). */
  private static final LeaseSettings FAST =
      new LeaseSettings(true, Duration.ofSeconds(6), Duration.ofMillis(500), "");

  private final String service = "lease-it-" + UUID.randomUUID();
  private final AtomicInteger holders = new AtomicInteger();
  private final AtomicInteger mostHolders = new AtomicInteger();
  private final List<Replica> replicas = new ArrayList<>();

  @AfterEach
  void closeAll() {
    replicas.forEach(r -> r.lease.close());
  }

  @Test
  void exactlyOneOfTwoReplicasIsActive() {
    Replica a = replica("a");
    Replica b = replica("b");

    await("one replica holds the lease").until(() -> a.lease.active() || b.lease.active());
    Replica c = replica("c");
    await("the newcomer joined the group as a standby").until(() -> c.joined());

    assertThat(List.of(a, b, c).stream().filter(r -> r.lease.active())).hasSize(1);
    assertThat(mostHolders).hasValue(1);
  }

  @Test
  void closingTheActiveReplicaHandsTheLeaseToTheStandby() {
    Replica a = replica("a");
    await("a holds the lease").until(a.lease::active);
    Replica b = replica("b");
    await("b joined as a standby").until(b::joined);

    long closed = System.nanoTime();
    a.lease.close();
    await("b took over").until(b.lease::active);
    LOG.info(
        "figure: the standby took over {} ms after the holder closed",
        (System.nanoTime() - closed) / 1_000_000);

    assertThat(a.events).containsExactly("active", "standby");
    assertThat(b.events).containsExactly("active");
    assertThat(mostHolders).hasValue(1);
  }

  @Test
  void aCrashedHolderIsReplacedAfterTheSessionTimeout() {
    Replica a = replica("a");
    await("a holds the lease").until(a.lease::active);
    Replica b = replica("b");
    await("b joined as a standby").until(b::joined);

    long crashed = System.nanoTime();
    a.lease.halt();
    await("b took over from the crashed holder").until(b.lease::active);
    LOG.info(
        "figure: the standby took over {} ms after the holder crashed (session timeout {})",
        (System.nanoTime() - crashed) / 1_000_000,
        FAST.sessionTimeout());

    assertThat(b.events).containsExactly("active");
  }

  @Test
  void whatAStandbyForwardsReachesTheHolderOnly() {
    Replica a = replica("a");
    await("a holds the lease").until(a.lease::active);
    Replica b = replica("b");
    await("b joined as a standby").until(b::joined);

    b.lease.forward("source-1", "fetch").join();

    await("the holder read the forwarded record")
        .until(() -> a.forwarded.contains("source-1=fetch"));
    assertThat(b.forwarded).isEmpty();
  }

  @Test
  void aLeaseWhoseClusterCannotBeResolvedStandsByAndStillCloses() {
    ServiceLease lease =
        ServiceLease.of(
            service, List.of(), FAST, KafkaConnection.of("no-such-broker.invalid:9092"), null);
    List<String> events = new CopyOnWriteArrayList<>();
    lease.start(listener("unresolved", events, new CopyOnWriteArrayList<>()));

    lease.close();

    assertThat(lease.active()).isFalse();
    assertThat(events).isEmpty();
  }

  @Test
  void aDisabledLeaseIsHeldAtOnceWithoutKafka() {
    ServiceLease lease = ServiceLease.alwaysHeld(service, new SimpleMeterRegistry());
    List<String> events = new CopyOnWriteArrayList<>();
    lease.start(listener("solo", events, new CopyOnWriteArrayList<>()));

    assertThat(lease.active()).isTrue();
    assertThat(events).containsExactly("active");
    lease.close();
    assertThat(events).containsExactly("active", "standby");
  }

  @Test
  void theGaugeSaysWhichReplicaIsActive() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ServiceLease lease =
        ServiceLease.of(
            service, List.of(), FAST, KafkaConnection.of(SharedKafka.bootstrapServers()), meters);
    lease.start(listener("gauge", new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>()));
    try {
      await("the lease is held").until(lease::active);
      assertThat(meters.get("opsledger.lease.active").tag("service", service).gauge().value())
          .isEqualTo(1.0);
    } finally {
      lease.close();
    }
    assertThat(meters.get("opsledger.lease.active").tag("service", service).gauge().value())
        .isEqualTo(0.0);
  }

  private Replica replica(String name) {
    Replica r = new Replica(name);
    replicas.add(r);
    r.lease.start(listener(name, r.events, r.forwarded));
    return r;
  }

  private ServiceLease.Listener listener(String name, List<String> events, List<String> forwarded) {
    return new ServiceLease.Listener() {
      @Override
      public void onActive() {
        mostHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
        events.add("active");
      }

      @Override
      public void onStandby() {
        holders.decrementAndGet();
        events.add("standby");
      }

      @Override
      public void onForwarded(String key, String value) {
        forwarded.add(key + "=" + value);
      }
    };
  }

  private final class Replica {
    final ServiceLease lease;
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> forwarded = new CopyOnWriteArrayList<>();

    Replica(String name) {
      lease =
          ServiceLease.of(
              service, List.of(), FAST, KafkaConnection.of(SharedKafka.bootstrapServers()), null);
    }

    /** Whether this replica's consumer is a member of the group with its assignment made. */
    boolean joined() {
      return lease.joined();
    }
  }
}
