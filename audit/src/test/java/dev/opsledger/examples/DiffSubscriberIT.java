package dev.opsledger.examples;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.testkit.LogWriter;
import dev.opsledger.testkit.SharedKafka;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DiffSubscriberIT {

  @Test
  void theReadmeSubscriberReceivesDriftReports() throws Exception {
    String target = "example-" + UUID.randomUUID();
    ResourceKey web = ResourceKey.of(target, "apps", "Deployment", "shop", "web");
    try (LogWriter log = new LogWriter(SharedKafka.bootstrapServers())) {
      log.writeRaw("opsledger.diffs", web.toString(), "not an event".getBytes());
      log.write(
          Instant.now().truncatedTo(ChronoUnit.MILLIS),
          "abc",
          new DriftDetected(
              web,
              "src",
              "abc",
              "sha256:" + "0".repeat(64),
              Instant.now(),
              EventJson.mapper().readTree("[]"),
              "-replicas: 1\n+replicas: 2\n",
              List.of("/spec/replicas")));
    }
    List<DriftDetected> seen = new CopyOnWriteArrayList<>();
    try (DiffSubscriber subscriber =
        new DiffSubscriber(SharedKafka.bootstrapServers(), "example-" + target)) {
      await("the subscriber sees the drift of web")
          .until(
              () -> {
                subscriber.pollOnce(seen::add);
                return seen.stream().anyMatch(d -> d.resource().equals(web));
              });
    }
    assertThat(seen.stream().filter(d -> d.resource().equals(web)).findFirst().get().changedPaths())
        .containsExactly("/spec/replicas");
  }
}
