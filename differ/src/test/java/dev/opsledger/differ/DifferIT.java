package dev.opsledger.differ;

import static dev.opsledger.differ.ItSupport.absent;
import static dev.opsledger.differ.ItSupport.desired;
import static dev.opsledger.differ.ItSupport.live;
import static dev.opsledger.differ.ItSupport.manifest;
import static dev.opsledger.differ.ItSupport.observed;
import static dev.opsledger.differ.ItSupport.removed;
import static dev.opsledger.differ.ItSupport.send;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.differ.ItSupport.DiffsReader;
import dev.opsledger.differ.ItSupport.TestDatabase;
import dev.opsledger.differ.reconcile.ReconcileState;
import dev.opsledger.events.DiffFailed;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.PreviewDiffed;
import dev.opsledger.events.PreviewRendered;
import dev.opsledger.events.PreviewResource;
import dev.opsledger.events.ResourceExtraneous;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The differ end to end on the shared broker and a real event store (PostgreSQL when it answers on
 * 127.0.0.1:5432, else H2; the log says which): inputs on {@code opsledger.desired} and {@code
 * opsledger.observed}, diff state changes on {@code opsledger.diffs}, and nothing else.
 */
@SpringBootTest(classes = DifferApplication.class)
// Closed after the class, so it stops polling before its schema is dropped at JVM exit.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DifferIT {

  static final String GROUP = "differ-it-" + UUID.randomUUID();
  static final TestDatabase DB = TestDatabase.create().closeAtExit();
  static final Instant T1 = Instant.parse("2026-03-01T09:00:00Z");
  static final Instant T2 = Instant.parse("2026-03-01T10:00:00Z");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("opsledger.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
    DifferConfiguration.FUNCTIONS.forEach(f -> registry.add(f.groupProperty(), () -> GROUP));
    DB.properties().forEach((k, v) -> registry.add(k, () -> v));
  }

  @Autowired EventPublisher publisher;
  @Autowired DifferMetrics metrics;

  String target;
  DiffsReader diffs;

  @BeforeEach
  void reader() {
    target = "differ-it-" + UUID.randomUUID().toString().substring(0, 8);
    diffs = new DiffsReader(target);
  }

  @AfterEach
  void closeReader() {
    diffs.close();
  }

  ResourceKey key(String name) {
    return ResourceKey.of(target, "", "ConfigMap", "shop", name);
  }

  /** Publishes a marker resource and waits for its diff: everything published before is out. */
  void settle() {
    ResourceKey marker = key("marker-" + UUID.randomUUID().toString().substring(0, 6));
    send(
        publisher,
        List.of(
            desired(marker, "m1", manifest(marker, "x"), T1),
            observed(marker, live(marker, "x", "1"))));
    await("the marker's diff event").until(() -> !diffsOf(marker).isEmpty());
  }

  List<EventEnvelope<OpsLedgerEvent>> diffsOf(ResourceKey key) {
    diffs.poll();
    return diffs.of(key);
  }

  @Test
  void reportsInSyncThenDriftOnceAndStaysQuietOnResyncsAndRedeliveries() {
    ResourceKey web = key("web");
    var declared = desired(web, "rev1", manifest(web, "a"), T1);
    var matching = observed(web, live(web, "a", "1"));
    send(publisher, List.of(declared, matching));
    await("in sync").until(() -> diffsOf(web).size() == 1);
    var inSync = diffsOf(web).get(0);
    assertThat(inSync.data()).isInstanceOf(ResourceInSync.class);
    assertThat(inSync.correlation()).isEqualTo("rev1");
    assertThat(inSync.causation()).isIn(declared.id(), matching.id());
    assertThat(inSync.source()).isEqualTo(DifferConfiguration.SOURCE);

    var drift = observed(web, live(web, "b", "2"));
    send(publisher, List.of(drift));
    await("drift detected").until(() -> diffsOf(web).size() == 2);
    var detected = diffsOf(web).get(1);
    assertThat(detected.data()).isInstanceOf(DriftDetected.class);
    assertThat(((DriftDetected) detected.data()).changedPaths()).containsExactly("/data/mode");
    assertThat(detected.causation()).isEqualTo(drift.id());

    // A resync of the same content, a redelivery of the same record, and a change the manifest
    // does not look at: none is news.
    send(
        publisher,
        List.of(
            observed(web, live(web, "b", "2")),
            drift,
            declared,
            observed(web, live(web, "b", "3"))));
    settle();
    assertThat(diffsOf(web)).hasSize(2);
  }

  @Test
  void ignoresADesiredRevisionOlderThanOneAlreadySeen() {
    ResourceKey api = key("api");
    send(
        publisher,
        List.of(
            desired(api, "rev2", manifest(api, "new"), T2), observed(api, live(api, "new", "1"))));
    await("in sync with rev2").until(() -> diffsOf(api).size() == 1);
    send(publisher, List.of(desired(api, "rev1", manifest(api, "old"), T1)));
    settle();
    assertThat(diffsOf(api)).hasSize(1);
    assertThat(diffsOf(api).get(0).data()).isInstanceOf(ResourceInSync.class);
  }

  @Test
  void comparesNumbersBeyondADoublesRangeExactlyAcrossReplays() {
    ResourceKey sized = key("sized");
    ObjectNode declared = (ObjectNode) manifest(sized, "a");
    declared.putObject("spec").put("size", new BigDecimal("1e400"));
    ObjectNode same = (ObjectNode) live(sized, "a", "1");
    same.putObject("spec").put("size", new BigDecimal("1E+400"));
    send(publisher, List.of(desired(sized, "rev1", declared, T1), observed(sized, same)));
    await("in sync at 1e400").until(() -> diffsOf(sized).size() == 1);
    assertThat(diffsOf(sized).get(0).data()).isInstanceOf(ResourceInSync.class);

    // The aggregate is loaded back from its event store for the next input: the manifest must
    // come back as 1e400, not as Infinity (which would compare equal to any other huge number).
    ObjectNode other = (ObjectNode) live(sized, "a", "2");
    other.putObject("spec").put("size", new BigDecimal("2e400"));
    send(publisher, List.of(observed(sized, other)));
    await("drift at 2e400").until(() -> diffsOf(sized).size() == 2);
    DriftDetected drift = (DriftDetected) diffsOf(sized).get(1).data();
    assertThat(drift.changedPaths()).containsExactly("/spec/size");
  }

  @Test
  void convergesOnABackdatedCommitAndOnARewindBecauseTheyWereRecordedLater() {
    ResourceKey app = key("app");
    send(
        publisher,
        List.of(
            desired(app, "c1", manifest(app, "v1"), T2, 1L), observed(app, live(app, "v1", "1"))));
    await("in sync with c1").until(() -> diffsOf(app).size() == 1);
    // c2 is backdated: its committer date is an hour before c1's.
    send(publisher, List.of(desired(app, "c2", manifest(app, "v2"), T1, 2L)));
    await("drift towards the backdated c2").until(() -> diffsOf(app).size() == 2);
    assertThat(diffsOf(app).get(1).data()).isInstanceOf(DriftDetected.class);
    send(publisher, List.of(observed(app, live(app, "v2", "2"))));
    await("in sync with c2").until(() -> diffsOf(app).size() == 3);
    // A force-push moves the branch back to c1, recorded third.
    send(publisher, List.of(desired(app, "c1", manifest(app, "v1"), T2, 3L)));
    await("drift back towards c1").until(() -> diffsOf(app).size() == 4);
    DriftDetected back = (DriftDetected) diffsOf(app).get(3).data();
    assertThat(back.desiredRevision()).isEqualTo("c1");
    // A redelivered c2 (recorded second) changes nothing.
    send(publisher, List.of(desired(app, "c2", manifest(app, "v2"), T1, 2L)));
    settle();
    assertThat(diffsOf(app)).hasSize(4);
  }

  @Test
  void followsMissingExtraneousAndRemoved() {
    ResourceKey job = key("job");
    send(publisher, List.of(desired(job, "rev1", manifest(job, "a"), T1), absent(job)));
    await("missing").until(() -> diffsOf(job).size() == 1);
    send(publisher, List.of(observed(job, live(job, "a", "1"), "9c1e-observed-uid")));
    await("in sync").until(() -> diffsOf(job).size() == 2);
    send(publisher, List.of(removed(job, "rev2", T2)));
    await("extraneous").until(() -> diffsOf(job).size() == 3);
    send(publisher, List.of(absent(job)));
    await("removed").until(() -> diffsOf(job).size() == 4);

    assertThat(diffsOf(job))
        .extracting(e -> e.data().getClass().getSimpleName())
        .containsExactly(
            "ResourceMissing", "ResourceInSync", "ResourceExtraneous", "ResourceRemoved");
    assertThat(diffsOf(job)).extracting(EventEnvelope::id).doesNotHaveDuplicates();
    // The prune candidate names the object observed, so the applier deletes only that one.
    assertThat(((ResourceExtraneous) diffsOf(job).get(2).data()).observedUid())
        .isEqualTo("9c1e-observed-uid");
  }

  @Test
  void deadLettersAnUnreadableRecordReportsAnIncomparableManifestAndKeepsGoing() throws Exception {
    ResourceKey bad = key("bad");
    ResourceKey good = key("good");
    try (var raw =
        new KafkaProducer<String, byte[]>(KafkaSettings.producer(SharedKafka.bootstrapServers()))) {
      raw.send(
              new ProducerRecord<>(
                  Topic.DESIRED.topicName(),
                  bad.toString(),
                  "{not an event".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    ObjectNode noKind = (ObjectNode) manifest(bad, "a");
    noKind.remove("kind");
    send(
        publisher,
        List.of(
            desired(bad, "rev1", noKind, T1),
            observed(bad, live(bad, "a", "1")),
            desired(good, "rev1", manifest(good, "a"), T1),
            observed(good, live(good, "a", "1"))));

    await("the failure is reported").until(() -> diffsOf(bad).size() == 1);
    assertThat(diffsOf(bad).get(0).data()).isInstanceOf(DiffFailed.class);
    assertThat(((DiffFailed) diffsOf(bad).get(0).data()).reason()).isNotBlank();
    await("the next resource is still reconciled").until(() -> diffsOf(good).size() == 1);

    try (var consumer =
        new KafkaConsumer<String, byte[]>(
            KafkaSettings.consumer(SharedKafka.bootstrapServers(), "dlq-" + target))) {
      consumer.subscribe(List.of(Topic.DESIRED.dlqName()));
      List<ConsumerRecord<String, byte[]>> dead = new CopyOnWriteArrayList<>();
      await("the unreadable record is in opsledger.desired.dlq")
          .until(
              () -> {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(dead::add);
                return dead.stream().anyMatch(r -> bad.toString().equals(r.key()));
              });
    }
  }

  @Test
  void countsResourcesByStateDiffsAndLatency() {
    ResourceKey svc = key("svc");
    send(
        publisher,
        List.of(desired(svc, "rev1", manifest(svc, "a"), T1), observed(svc, live(svc, "a", "1"))));
    await("in sync").until(() -> diffsOf(svc).size() == 1);
    var registry = metrics.registry();
    assertThat(
            registry
                .get("opsledger.differ.resources")
                .tag("state", ReconcileState.IN_SYNC.name())
                .gauge()
                .value())
        .isGreaterThanOrEqualTo(1);
    assertThat(registry.get("opsledger.differ.diff.computations").functionCounter().count())
        .isGreaterThanOrEqualTo(1);
    assertThat(registry.get("opsledger.differ.input.to.diff").timer().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void previewsAPullRequestAgainstTheLiveStateWithoutWritingADiff() {
    ResourceKey web = key("web");
    ResourceKey old = key("old");
    ResourceKey fresh = key("fresh");
    send(
        publisher,
        List.of(
            desired(web, "rev1", manifest(web, "a"), T1),
            observed(web, live(web, "a", "1")),
            desired(old, "rev1", manifest(old, "x"), T1),
            observed(old, live(old, "x", "1"))));
    await("both in sync").until(() -> diffsOf(web).size() == 1 && diffsOf(old).size() == 1);
    String sourceId = "src-" + target;
    EventEnvelope<OpsLedgerEvent> rendered =
        EventEnvelope.<OpsLedgerEvent>create(
            "/opsledger/test",
            "headsha1",
            new PreviewRendered(
                sourceId,
                "https://github.com/o/r.git",
                "github",
                7,
                "headsha1",
                "rev1",
                T2,
                List.of(
                    new PreviewResource(web, "apps/web.yaml", manifest(web, "b")),
                    new PreviewResource(fresh, "apps/fresh.yaml", manifest(fresh, "y"))),
                List.of(old)));
    try (LogTail previews =
        LogTail.fromBeginning(
            SharedKafka.bootstrapServers(),
            LogTail.keyStartsWith(sourceId + "#"),
            Topic.PREVIEWS)) {
      send(publisher, List.of(rendered));
      await("the preview's diff").until(() -> !previews.data(PreviewDiffed.class).isEmpty());
      PreviewDiffed diffed = previews.data(PreviewDiffed.class).get(0);
      assertThat(previews.matching(e -> e instanceof PreviewDiffed).get(0).causation())
          .isEqualTo(rendered.id());
      assertThat(diffed.number()).isEqualTo(7);
      assertThat(diffed.changes())
          .extracting(c -> c.resource().name() + "=" + c.change())
          .containsExactly("web=CHANGED", "fresh=ADDED", "old=PRUNED");
      assertThat(diffed.changes().get(0).detail()).contains("-  mode: a").contains("+  mode: b");
    }
    // The reconciliation state is untouched: no diff event for any of the three, and the next
    // real observation of web is still compared with rev1's "a".
    settle();
    assertThat(diffsOf(web)).hasSize(1);
    assertThat(diffsOf(old)).hasSize(1);
    assertThat(diffsOf(fresh)).isEmpty();
    send(publisher, List.of(observed(web, live(web, "a", "2"))));
    settle();
    assertThat(diffsOf(web)).hasSize(1);
  }

  /** Declares each resource as "a", live "a", and waits until each is in sync. */
  void inSync(List<ResourceKey> resources) {
    List<EventEnvelope<OpsLedgerEvent>> inputs = new ArrayList<>();
    resources.forEach(
        r -> {
          inputs.add(desired(r, "rev1", manifest(r, "a"), T1));
          inputs.add(observed(r, live(r, "a", "1")));
        });
    send(publisher, inputs);
    await("every resource in sync")
        .until(() -> resources.stream().allMatch(r -> diffsOf(r).size() == 1));
  }

  @Test
  void givesEachResourceItsDiffsInLogOrderWhenManyArriveInOnePoll() {
    List<ResourceKey> resources = IntStream.range(0, 12).mapToObj(i -> key("many-" + i)).toList();
    inSync(resources);

    // Three new revisions of every resource, one resource after the other in each round, sent at
    // once: they reach the differ in a few polls, handled a poll per transaction.
    List<EventEnvelope<OpsLedgerEvent>> revisions = new ArrayList<>();
    String[] values = {"b", "a", "b"};
    for (int round = 0; round < values.length; round++) {
      for (ResourceKey r : resources) {
        revisions.add(
            desired(
                r,
                "rev" + (round + 2),
                manifest(r, values[round]),
                T1.plusSeconds(60L * (round + 1))));
      }
    }
    send(publisher, revisions);
    await("every resource's three changes")
        .until(() -> resources.stream().allMatch(r -> diffsOf(r).size() == 4));
    settle();
    for (ResourceKey r : resources) {
      assertThat(diffsOf(r))
          .extracting(e -> e.data().getClass().getSimpleName() + "@" + e.correlation())
          .containsExactly(
              "ResourceInSync@rev1",
              "DriftDetected@rev2",
              "ResourceInSync@rev3",
              "DriftDetected@rev4");
    }
  }

  @Test
  void deadLettersAnUnreadableRecordInTheMiddleOfAPollAndHandlesEveryOtherRecord()
      throws Exception {
    List<ResourceKey> resources = IntStream.range(0, 10).mapToObj(i -> key("poll-" + i)).toList();
    inSync(resources);
    ResourceKey middle = resources.get(5);
    List<EventEnvelope<OpsLedgerEvent>> before = new ArrayList<>();
    List<EventEnvelope<OpsLedgerEvent>> after = new ArrayList<>();
    for (ResourceKey r : resources) {
      (r.name().compareTo(middle.name()) < 0 ? before : after)
          .add(desired(r, "rev2", manifest(r, "b"), T2));
    }
    // The unreadable record has the middle resource's key: same partition, between its
    // neighbours' records and before the middle resource's own revision.
    try (var raw =
        new KafkaProducer<String, byte[]>(KafkaSettings.producer(SharedKafka.bootstrapServers()))) {
      send(publisher, before);
      raw.send(
              new ProducerRecord<>(
                  Topic.DESIRED.topicName(),
                  middle.toString(),
                  "{not an event".getBytes(StandardCharsets.UTF_8)))
          .get();
      send(publisher, after);
    }

    await("every valid record handled")
        .until(() -> resources.stream().allMatch(r -> diffsOf(r).size() == 2));
    settle();
    for (ResourceKey r : resources) {
      assertThat(diffsOf(r))
          .extracting(e -> e.data().getClass().getSimpleName())
          .containsExactly("ResourceInSync", "DriftDetected");
    }
    try (var consumer =
        new KafkaConsumer<String, byte[]>(
            KafkaSettings.consumer(SharedKafka.bootstrapServers(), "dlq-" + target))) {
      consumer.subscribe(List.of(Topic.DESIRED.dlqName()));
      List<ConsumerRecord<String, byte[]>> dead = new CopyOnWriteArrayList<>();
      await("the unreadable record, and only it, is in opsledger.desired.dlq")
          .until(
              () -> {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(dead::add);
                return dead.stream().anyMatch(r -> middle.toString().equals(r.key()));
              });
      assertThat(dead)
          .filteredOn(r -> r.key() != null && r.key().startsWith(target + "/"))
          .hasSize(1);
    }
  }
}
