package dev.opsledger.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics OpsLedger needs, idempotently: missing topics are created with their
 * configuration, existing ones get only the configuration keys that differ, and the call returns
 * when every partition of every topic has a leader. A second run changes nothing.
 *
 * <p>It never deletes a topic and never changes a partition count: more partitions would move keys
 * to other partitions and break per-resource order, so a topic with another count is reported and
 * left alone.
 */
public final class TopicBootstrapper {

  private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrapper.class);
  private static final long CALL_TIMEOUT_SECONDS = 30;

  private final Admin admin;
  private final short replicationFactor;
  private final Duration readyTimeout;

  /**
   * A bootstrapper.
   *
   * @param admin an admin client for the cluster
   * @param replicationFactor the replication factor for new topics (1 on a single broker)
   * @param readyTimeout how long to wait for every partition to have a leader
   */
  public TopicBootstrapper(Admin admin, short replicationFactor, Duration readyTimeout) {
    this.admin = admin;
    this.replicationFactor = replicationFactor;
    this.readyTimeout = readyTimeout;
  }

  /** What a run did. */
  public record Report(
      List<String> created,
      List<String> reconfigured,
      List<String> unchanged,
      List<String> partitionMismatch) {

    /** True when the run changed nothing on the cluster. */
    public boolean changedNothing() {
      return created.isEmpty() && reconfigured.isEmpty();
    }
  }

  /** Ensures every topic of the catalogue and its dead-letter topic. */
  public Report ensureCatalogue() {
    return ensure(TopicSpec.catalogue());
  }

  /**
   * Ensures the given topics.
   *
   * @throws KafkaUnavailableException when the cluster does not answer or a topic gets no leader in
   *     time
   * @throws KafkaAccessDeniedException when the cluster refuses the credentials or the ACLs deny it
   */
  public Report ensure(Collection<TopicSpec> specs) {
    try {
      Set<String> existing = admin.listTopics().names().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<String> created = new ArrayList<>();
      List<String> reconfigured = new ArrayList<>();
      List<String> unchanged = new ArrayList<>();
      List<String> mismatch = new ArrayList<>();
      List<TopicSpec> toCreate = specs.stream().filter(s -> !existing.contains(s.name())).toList();
      createTopics(toCreate, created, unchanged);
      List<TopicSpec> present = specs.stream().filter(s -> existing.contains(s.name())).toList();
      reconcileConfigs(present, reconfigured, unchanged);
      awaitLeaders(specs, mismatch);
      Report report = new Report(created, reconfigured, unchanged, mismatch);
      LOG.info(
          "topics: {} created, {} reconfigured, {} unchanged",
          created.size(),
          reconfigured.size(),
          unchanged.size());
      return report;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      KafkaAccessDeniedException.rethrow(e, "creating topics");
      throw new KafkaUnavailableException("cannot create topics: " + e.getMessage(), e);
    }
  }

  private void createTopics(List<TopicSpec> toCreate, List<String> created, List<String> unchanged)
      throws InterruptedException, TimeoutException, ExecutionException {
    if (toCreate.isEmpty()) {
      return;
    }
    List<NewTopic> newTopics =
        toCreate.stream()
            .map(s -> new NewTopic(s.name(), s.partitions(), replicationFactor).configs(s.config()))
            .toList();
    var result = admin.createTopics(newTopics);
    for (var entry : result.values().entrySet()) {
      try {
        entry.getValue().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        created.add(entry.getKey());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicExistsException) {
          // Another service created it between list and create: someone else's work, not ours.
          unchanged.add(entry.getKey());
        } else {
          throw e;
        }
      }
    }
  }

  private void reconcileConfigs(
      List<TopicSpec> present, List<String> reconfigured, List<String> unchanged)
      throws InterruptedException, TimeoutException, ExecutionException {
    if (present.isEmpty()) {
      return;
    }
    Map<ConfigResource, TopicSpec> byResource = new HashMap<>();
    for (TopicSpec s : present) {
      byResource.put(new ConfigResource(ConfigResource.Type.TOPIC, s.name()), s);
    }
    Map<ConfigResource, Config> actual =
        admin
            .describeConfigs(byResource.keySet())
            .all()
            .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
    for (var e : byResource.entrySet()) {
      Config config = actual.get(e.getKey());
      List<AlterConfigOp> ops = new ArrayList<>();
      for (var wanted : e.getValue().config().entrySet()) {
        ConfigEntry current = config.get(wanted.getKey());
        if (current == null || !wanted.getValue().equals(current.value())) {
          ops.add(
              new AlterConfigOp(
                  new ConfigEntry(wanted.getKey(), wanted.getValue()), AlterConfigOp.OpType.SET));
        }
      }
      if (ops.isEmpty()) {
        unchanged.add(e.getValue().name());
      } else {
        changes.put(e.getKey(), ops);
        reconfigured.add(e.getValue().name());
        LOG.info(
            "topic {}: setting {}",
            e.getValue().name(),
            ops.stream().map(o -> o.configEntry().name()).collect(Collectors.joining(", ")));
      }
    }
    if (!changes.isEmpty()) {
      admin.incrementalAlterConfigs(changes).all().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }

  private void awaitLeaders(Collection<TopicSpec> specs, List<String> mismatch)
      throws InterruptedException, TimeoutException, ExecutionException {
    Instant deadline = Instant.now().plus(readyTimeout);
    List<String> names = specs.stream().map(TopicSpec::name).toList();
    Map<String, Integer> wantedPartitions =
        specs.stream().collect(Collectors.toMap(TopicSpec::name, TopicSpec::partitions));
    while (true) {
      List<String> notReady = new ArrayList<>();
      Map<String, TopicDescription> descriptions;
      try {
        descriptions =
            admin.describeTopics(names).allTopicNames().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        KafkaAccessDeniedException.rethrow(e, "describing topics");
        // Metadata of just-created topics can lag behind; ask again until the deadline.
        descriptions = Map.of();
        notReady.addAll(names);
      }
      for (TopicDescription d : descriptions.values()) {
        if (d.partitions().stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
          notReady.add(d.name());
        }
      }
      if (notReady.isEmpty()) {
        for (TopicDescription d : descriptions.values()) {
          int wanted = wantedPartitions.get(d.name());
          if (d.partitions().size() != wanted) {
            mismatch.add(d.name());
            LOG.warn(
                "topic {} has {} partitions, the catalogue says {}; left as it is (changing it"
                    + " would reorder keys)",
                d.name(),
                d.partitions().size(),
                wanted);
          }
        }
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new KafkaUnavailableException(
            "topics without a leader after " + readyTimeout + ": " + notReady, null);
      }
      Thread.sleep(50);
    }
  }
}
