package dev.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.audit.Answers.ResourceState;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.testkit.LogWriter;
import dev.opsledger.testkit.SharedKafka;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code up}'s status loop follows the log: a refresh reads what was written since the last one,
 * and shows what a fresh read of the whole log shows.
 */
class CurrentStateFollowerIT {

  private final String target = "follow-" + UUID.randomUUID().toString().substring(0, 8);
  private final Person ada = new Person("Ada", "ada@example.com");

  @Test
  void aRefreshReadsOnlyWhatTheLogGainedAndAgreesWithAFullRead() {
    String bootstrap = SharedKafka.bootstrapServers();
    ResourceKey a = ResourceKey.of(target, "", "ConfigMap", "shop", "a");
    ResourceKey b = ResourceKey.of(target, "", "ConfigMap", "shop", "b");
    String sha = "c0ffee" + UUID.randomUUID().toString().replace("-", "");
    Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    CurrentState.Follower follower = new CurrentState.Follower(KafkaConnection.of(bootstrap));
    try (LogWriter log = new LogWriter(bootstrap)) {
      declare(log, a, sha, t);
      declare(log, b, sha, t);
      for (int i = 0; i < 8; i++) {
        declare(log, ResourceKey.of(target, "", "ConfigMap", "shop", "other-" + i), sha, t);
      }
      CurrentState first = follower.refresh();
      long firstRead = follower.lastRead();
      assertThat(mine(first)).extracting(ResourceState::syncState).containsOnly("Unknown");

      log.write(t.plusMillis(10), sha, new ResourceMissing(a, "deploy", sha, t.plusMillis(10)));
      log.write(
          t.plusMillis(20),
          sha,
          new ResourceInSync(b, "deploy", sha, CanonicalJson.hash(manifest(b)), t.plusMillis(20)));
      CurrentState second = follower.refresh();

      assertThat(follower.lastRead()).isGreaterThanOrEqualTo(2).isLessThan(firstRead);
      assertThat(mine(second))
          .extracting(r -> r.resource().name() + "=" + r.syncState())
          .containsSubsequence("a=Missing", "b=InSync")
          .hasSize(10);
      assertThat(mine(second)).isEqualTo(mine(CurrentState.read(bootstrap)));
      assertThat(follower.refresh().resources()).containsAll(mine(second));
    }
  }

  private void declare(LogWriter log, ResourceKey key, String sha, Instant t) {
    ObjectNode m = manifest(key);
    log.write(
        t,
        sha,
        new DesiredStateChanged(
            key,
            "deploy",
            sha,
            "apps/" + key.name() + ".yaml",
            CanonicalJson.hash(m),
            m,
            ada,
            t,
            null));
  }

  private List<ResourceState> mine(CurrentState state) {
    return state.resources().stream().filter(r -> r.resource().target().equals(target)).toList();
  }

  private static ObjectNode manifest(ResourceKey key) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "v1").put("kind", "ConfigMap");
    m.putObject("metadata").put("name", key.name()).put("namespace", key.namespace());
    m.putObject("data").put("k", "v");
    return m;
  }
}
