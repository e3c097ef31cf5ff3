package dev.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.opsledger.applier.ApplierConfiguration;
import dev.opsledger.collector.StateCollectorConfiguration;
import dev.opsledger.differ.DifferConfiguration;
import dev.opsledger.events.CheckpointTopic;
import dev.opsledger.events.Topic;
import dev.opsledger.gitwatcher.GitWatcherConfiguration;
import dev.opsledger.kafka.TopicSpec;
import dev.opsledger.notifier.NotifierConfiguration;
import dev.opsledger.service.StreamFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ACLs of {@code deploy/kubernetes/strimzi/kafka-users.yaml} follow the code: each service may
 * read what its stream bindings read, in its own group, and dead-letter what it consumes; each
 * topic has the writers the architecture names and no other.
 */
class KafkaUsersTest {

  private static final Map<String, List<StreamFunction>> FUNCTIONS =
      Map.of(
          "git-watcher", GitWatcherConfiguration.FUNCTIONS,
          "state-collector", StateCollectorConfiguration.FUNCTIONS,
          "differ", DifferConfiguration.FUNCTIONS,
          "applier", ApplierConfiguration.FUNCTIONS,
          "notifier", NotifierConfiguration.FUNCTIONS);

  /** Who writes each topic (the root README's topic table); the CLI's 'sync' writes approvals. */
  private static final Map<String, Set<String>> WRITERS =
      Map.of(
          Topic.COMMITS.topicName(), Set.of("git-watcher"),
          Topic.DESIRED.topicName(), Set.of("git-watcher"),
          Topic.OBSERVED.topicName(), Set.of("state-collector"),
          Topic.DIFFS.topicName(), Set.of("differ"),
          Topic.APPLIES.topicName(), Set.of("applier"),
          Topic.APPROVALS.topicName(), Set.of("applier", "cli"),
          Topic.NOTIFICATIONS.topicName(), Set.of("notifier"),
          Topic.PREVIEWS.topicName(), Set.of("git-watcher", "differ"));

  private final Map<String, JsonNode> users = users();

  @Test
  void eachServiceMayReadWhatItsBindingsReadInItsOwnGroupAndDeadLetterIt() {
    FUNCTIONS.forEach(
        (service, functions) -> {
          for (StreamFunction f : functions) {
            // A replica's own group is named by a placeholder: granted by its prefix.
            String group = f.group().replaceFirst("\\$\\{.*}$", "any-replica");
            for (String topic : topics(f)) {
              assertThat(granted(service, "topic", topic))
                  .as(service + " " + topic)
                  .contains("Read");
              assertThat(granted(service, "group", group))
                  .as(service + " group " + f.group())
                  .contains("Read");
              assertThat(granted(service, "topic", topic + ".dlq"))
                  .as(service + " dead letters of " + topic)
                  .contains("Write");
            }
          }
        });
  }

  @Test
  void eachTopicIsWrittenOnlyByTheServicesThatOwnIt() {
    Map<String, Set<String>> expected = new HashMap<>(WRITERS);
    for (CheckpointTopic c : CheckpointTopic.values()) {
      expected.put(c.topicName(), Set.of(c.service()));
    }
    for (TopicSpec spec : TopicSpec.catalogue()) {
      String topic = spec.name();
      Set<String> writers = new HashSet<>();
      users.forEach(
          (user, node) -> {
            if (granted(user, "topic", topic).contains("Write")) {
              writers.add(user);
            }
          });
      if (topic.endsWith(".dlq")) {
        String consumed = topic.substring(0, topic.length() - ".dlq".length());
        Set<String> consumers = new HashSet<>();
        FUNCTIONS.forEach(
            (s, fs) -> {
              if (fs.stream().anyMatch(f -> topics(f).contains(consumed))) {
                consumers.add(s);
              }
            });
        assertThat(writers).as("writers of " + topic).isEqualTo(consumers);
      } else {
        assertThat(writers).as("writers of " + topic).isEqualTo(expected.get(topic));
      }
    }
  }

  /** What a binding reads: its destination, one topic or several (the differ's, multiplexed). */
  private static List<String> topics(StreamFunction f) {
    return List.of(f.properties().get(f.property("destination")).split(","));
  }

  @Test
  void noServiceGetsAWildcardOrAPrefixButForTheGroupsOfItsOwnReplicas() {
    users.forEach(
        (user, node) -> {
          if (user.equals("cli")) {
            return;
          }
          for (JsonNode acl : node.path("spec").path("authorization").path("acls")) {
            JsonNode r = acl.path("resource");
            boolean replicaGroups =
                r.path("type").asText().equals("group")
                    && r.path("name").asText().equals("opsledger-" + user + "-replica-");
            assertThat(r.path("patternType").asText())
                .as(user + " " + acl)
                .isEqualTo(replicaGroups ? "prefix" : "literal");
            assertThat(acl.path("resource").path("name").asText()).as(user).doesNotContain("*");
          }
        });
  }

  /** The operations {@code user} has on one resource. */
  private Set<String> granted(String user, String type, String name) {
    Set<String> ops = new HashSet<>();
    JsonNode node = users.get(user);
    assertThat(node).as("a KafkaUser opsledger-" + user).isNotNull();
    for (JsonNode acl : node.path("spec").path("authorization").path("acls")) {
      JsonNode r = acl.path("resource");
      boolean matches =
          r.path("type").asText().equals(type)
              && ("prefix".equals(r.path("patternType").asText())
                  ? name.startsWith(r.path("name").asText())
                  : name.equals(r.path("name").asText()));
      if (matches) {
        acl.path("operations").forEach(o -> ops.add(o.asText()));
      }
    }
    return ops;
  }

  private static Map<String, JsonNode> users() {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Map<String, JsonNode> out = new HashMap<>();
    try (var parser =
        yaml.getFactory()
            .createParser(Path.of("../deploy/kubernetes/strimzi/kafka-users.yaml").toFile())) {
      for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
        if ("KafkaUser".equals(doc.path("kind").asText())) {
          out.put(doc.path("metadata").path("name").asText().replaceFirst("^opsledger-", ""), doc);
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read kafka-users.yaml", e);
    }
    return out;
  }
}
