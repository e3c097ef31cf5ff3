package dev.opsledger.collector;

import static dev.opsledger.collector.support.ObservedLog.absent;
import static dev.opsledger.collector.support.ObservedLog.changed;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.collector.support.ObservedLog;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.service.lease.ServiceLease;
import dev.opsledger.testkit.SharedKafka;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two state-collectors on one cluster, as two replicas of one Deployment: only the one that holds
 * the lease watches and reports, so every sighting is one event, whatever partition of {@code
 * opsledger.desired} declared it (each replica reads them all); when it shuts down, the standby
 * lists everything once, as a collector does at start, and reports what changes from then on.
 */
class ActiveStandbyIT {

  private static final Logger LOG = LoggerFactory.getLogger(ActiveStandbyIT.class);

  private final String target = "replicas-" + UUID.randomUUID().toString().substring(0, 8);
  private final String namespace = "app-" + target;
  private final List<ConfigurableApplicationContext> replicas = new ArrayList<>();
  private final List<ResourceKey> present = new ArrayList<>();
  private KubernetesEmulator emulator;
  private Path kubeconfig;
  private ObservedLog log;

  @BeforeEach
  void cluster() throws IOException {
    emulator = KubernetesEmulator.builder().start();
    kubeconfig =
        emulator.writeKubeconfig(
            Files.createTempDirectory("state-collector-replicas").resolve("kubeconfig"));
    log = new ObservedLog(target);
  }

  @AfterEach
  void close() {
    replicas.forEach(ConfigurableApplicationContext::close);
    log.close();
    emulator.close();
  }

  @Test
  void twoReplicasReportEachSightingOnceAndTheStandbyTakesOver() {
    List<ResourceKey> missing = new ArrayList<>();
    try (EventPublisher publisher =
        new EventPublisher(SharedKafka.bootstrapServers(), new EventCodec(), null)) {
      for (int i = 0; i < 4; i++) {
        declare(publisher, configMap("settings-" + i), true);
        declare(publisher, serviceAccount("robot-" + i), true);
      }
    }
    ConfigurableApplicationContext a = replica("a");
    ConfigurableApplicationContext b = replica("b");
    await("one replica holds the lease").until(() -> active(a) || active(b));
    ConfigurableApplicationContext holder = active(a) ? a : b;
    ConfigurableApplicationContext standby = holder == a ? b : a;
    try (EventPublisher publisher =
        new EventPublisher(SharedKafka.bootstrapServers(), new EventCodec(), null)) {
      // Declared while both run, with no live object, over many partitions: each is reported
      // only if the holder reads the partition that declares it.
      for (int i = 0; i < 8; i++) {
        missing.add(declare(publisher, configMap("missing-" + i), false));
      }
    }

    await("every declared resource, whichever partition declared it, is reported")
        .until(() -> present.stream().allMatch(k -> log.has(changed(k))));
    await("every declared resource with no live object is reported absent")
        .until(() -> missing.stream().allMatch(k -> log.has(absent(k, "not-found"))));
    emulator.store().put(configMapObject("settings-0", "blue"));
    ResourceKey changedKey = present.get(0);
    await("a change is reported")
        .until(() -> log.has(changed(changedKey, c -> color(c).equals("blue"))));

    for (ResourceKey k : present) {
      assertThat(countChanged(k)).as("reports of " + k).isEqualTo(k == changedKey ? 2 : 1);
    }
    assertThat(missing).allSatisfy(k -> assertThat(log.of(k)).hasSize(1));

    long closed = System.nanoTime();
    holder.close();
    await("the standby took over").until(() -> active(standby));
    emulator.store().put(configMapObject("settings-0", "red"));
    await("the new holder watches and reports")
        .until(() -> log.has(changed(changedKey, c -> color(c).equals("red"))));
    LOG.info(
        "figure: the standby reported a change {} ms after the holder closed",
        (System.nanoTime() - closed) / 1_000_000);

    assertThat(log.of(changedKey).stream().filter(e -> isChanged(e, "red"))).hasSize(1);
  }

  private long countChanged(ResourceKey key) {
    return log.of(key).stream().filter(ObservedStateChanged.class::isInstance).count();
  }

  private static boolean isChanged(ResourceEvent e, String value) {
    return e instanceof ObservedStateChanged c && color(c).equals(value);
  }

  private static String color(ObservedStateChanged c) {
    return c.live().path("data").path("color").asText();
  }

  private ResourceKey declare(EventPublisher publisher, ObjectNode manifest, boolean live) {
    String kind = manifest.path("kind").asText();
    String name = manifest.path("metadata").path("name").asText();
    ResourceKey key = ResourceKey.of(target, "", kind, namespace, name);
    if (live) {
      present.add(key);
      if (kind.equals("ConfigMap")) {
        emulator.store().put(configMapObject(name, "green"));
      } else {
        emulator
            .store()
            .put(
                new ServiceAccountBuilder()
                    .withNewMetadata()
                    .withNamespace(namespace)
                    .withName(name)
                    .endMetadata()
                    .build());
      }
    }
    publisher.publishAndWait(
        EventEnvelope.create(
            "/opsledger/git-watcher",
            "abc123",
            new DesiredStateChanged(
                key,
                "src",
                "abc123",
                name + ".yaml",
                "sha256:00",
                manifest,
                null,
                Instant.now(),
                null)),
        Duration.ofSeconds(30));
    return key;
  }

  private io.fabric8.kubernetes.api.model.ConfigMap configMapObject(String name, String color) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .addToData("color", color)
        .build();
  }

  private ObjectNode configMap(String name) {
    ObjectNode m = manifest("ConfigMap", name);
    m.putObject("data").put("color", "green");
    return m;
  }

  private ObjectNode serviceAccount(String name) {
    return manifest("ServiceAccount", name);
  }

  private ObjectNode manifest(String kind, String name) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "v1").put("kind", kind);
    m.putObject("metadata").put("name", name).put("namespace", namespace);
    return m;
  }

  private ConfigurableApplicationContext replica(String name) {
    Map<String, String> properties =
        Map.ofEntries(
            Map.entry("server.port", "0"),
            Map.entry("spring.application.name", "state-collector-" + name),
            Map.entry("opsledger.secrets.key", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="),
            Map.entry("opsledger.kafka.bootstrap-servers", SharedKafka.bootstrapServers()),
            Map.entry("opsledger.state-collector.kubernetes.targets[0].name", target),
            Map.entry(
                "opsledger.state-collector.kubernetes.targets[0].kubeconfig",
                kubeconfig.toString()),
            Map.entry(
                "opsledger.state-collector.kubernetes.targets[0].context", "opsledger-sandbox"),
            Map.entry("opsledger.state-collector.kubernetes.retry-interval", "500ms"),
            // Both replicas in one group of this test's own, as two pods share theirs.
            Map.entry(
                "spring.cloud.stream.bindings.stateCollectorDesiredIn-in-0.group",
                "opsledger-state-collector-" + target),
            Map.entry("opsledger.state-collector.lease.session-timeout", "6s"),
            Map.entry("opsledger.state-collector.lease.heartbeat-interval", "500ms"));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(StateCollectorApplication.class)
            .run(
                properties.entrySet().stream()
                    .map(e -> "--" + e.getKey() + "=" + e.getValue())
                    .toArray(String[]::new));
    replicas.add(context);
    return context;
  }

  private static boolean active(ConfigurableApplicationContext context) {
    return context.isActive()
        && context.getBean("stateCollectorLease", ServiceLease.class).active();
  }
}
