package dev.opsledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.audit.Answers.ResourceHistory;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.LogWriter;
import dev.opsledger.testkit.SharedKafka;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A resource's history reads one partition of each per-resource topic, and answers exactly what a
 * read of the whole log answers.
 */
class HistoryPartitionIT {

  private final String target = "partition-" + UUID.randomUUID().toString().substring(0, 8);
  private final Instant t0 =
      Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
  private final Person ada = new Person("Ada", "ada@example.com");

  @Test
  void historyOfOneResourceReadsOnlyItsPartitionAndAgreesWithAFullRead() {
    String bootstrap = SharedKafka.bootstrapServers();
    List<ResourceKey> keys = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      keys.add(ResourceKey.of(target, "", "ConfigMap", "team-" + (i % 4), "cfg-" + i));
    }
    try (LogWriter log = new LogWriter(bootstrap)) {
      for (int round = 0; round < 2; round++) {
        String sha = (round + "").repeat(8) + UUID.randomUUID().toString().replace("-", "");
        Instant at = t0.plusSeconds(60L * round);
        for (ResourceKey key : keys) {
          JsonNode manifest = configMap(key, "v" + round);
          String hash = CanonicalJson.hash(manifest);
          log.write(
              at,
              sha,
              new DesiredStateChanged(
                  key,
                  "deploy",
                  sha,
                  "apps/" + key.name() + ".yaml",
                  hash,
                  manifest,
                  ada,
                  at,
                  null));
          log.write(
              at.plusMillis(5),
              sha,
              new ApplySucceeded(
                  key, "deploy", sha, ApplyOutcome.PATCHED, false, 1, at.plusMillis(5), 10));
          log.write(at.plusMillis(9), sha, new ResourceInSync(key, "deploy", sha, hash, at));
        }
      }
    }
    ResourceKey one = keys.get(17);

    List<LoggedEvent> everything;
    try (LogReader full = new LogReader(bootstrap)) {
      everything = full.read(EnumSet.allOf(Topic.class), null, null);
    }
    try (LogReader reader = new LogReader(bootstrap)) {
      List<LoggedEvent> keyed =
          reader.readKey(LogReader.KEYED_BY_RESOURCE, one.toString(), null, null);
      int partitions = Topic.DESIRED.partitions();
      assertThat(keyed)
          .isNotEmpty()
          .allSatisfy(
              e ->
                  assertThat(e.partition())
                      .isEqualTo(LogReader.partitionOf(one.toString(), partitions)));
      List<String> mine =
          everything.stream()
              .filter(e -> e.readable() && one.toString().equals(e.event().subject()))
              .map(e -> e.event().id())
              .toList();
      assertThat(keyed.stream().filter(LoggedEvent::readable).map(e -> e.event().id()))
          .containsAll(mine);
      long perResourceRecords =
          everything.stream()
              .filter(e -> LogReader.KEYED_BY_RESOURCE.contains(Topic.byName(e.topic())))
              .count();
      assertThat(reader.recordsRead()).isLessThan(perResourceRecords / 4);
    }

    ResourceHistory fromAFullRead = AuditProjections.history(everything, one);
    ResourceHistory fromItsPartition = new AuditService(bootstrap).history(one, null, null);
    assertThat(fromItsPartition).isEqualTo(fromAFullRead);
    assertThat(fromItsPartition.entries()).hasSize(6);
  }

  private static JsonNode configMap(ResourceKey key, String value) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "v1").put("kind", "ConfigMap");
    m.putObject("metadata").put("name", key.name()).put("namespace", key.namespace());
    m.putObject("data").put("value", value);
    return m;
  }
}
