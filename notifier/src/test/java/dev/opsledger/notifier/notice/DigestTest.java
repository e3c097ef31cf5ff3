package dev.opsledger.notifier.notice;

import static dev.opsledger.notifier.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.notifier.Fixtures;
import dev.opsledger.notifier.Syncs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chat digest: what people read for each scenario, counted as messages. The counts are the
 * figures of the notifier's README (incoming webhook: {@link Audience#CHAT_HELD}; bot token: {@link
 * Audience#CHAT_LIVE}, where an update edits the message it names).
 */
class DigestTest {

  static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  static final Digest.Policy POLICY = Digest.Policy.defaults();

  final Digest digest = new Digest(POLICY, 10_000);
  final List<Notice> told = new ArrayList<>();

  /** Feeds events as they arrive (now = their time), asking for due notices after each. */
  void feed(List<EventEnvelope<?>> events) {
    for (EventEnvelope<?> e : events) {
      digest.observe(e, e.time());
      told.addAll(digest.due(e.time()));
    }
  }

  void tickAt(Instant now) {
    told.addAll(digest.due(now));
  }

  /** Messages a Slack incoming webhook posts. */
  List<Notice> held() {
    return told.stream()
        .filter(n -> n.audience() == Audience.CHAT || n.audience() == Audience.CHAT_HELD)
        .toList();
  }

  /** Messages a Slack bot posts (updates edit a message, they post none). */
  List<Notice> livePosts() {
    return told.stream()
        .filter(n -> n.audience() == Audience.CHAT || n.audience() == Audience.CHAT_LIVE)
        .filter(n -> n.updates() == null)
        .toList();
  }

  void settleCommitOfDemo(String sha) {
    feed(Syncs.firstSync("shop", sha, Syncs.demo("prod"), List.of(), T0.minusSeconds(600)));
    tickAt(T0.minusSeconds(590));
    told.clear();
  }

  @Test
  void theDemosFirstSyncIsOneMessageEvenWithTwoRetriedApplies() {
    List<ResourceKey> demo = Syncs.demo("prod");
    feed(Syncs.firstSync("shop", "a1b2c3d4e5", demo, List.of(demo.get(1), demo.get(2)), T0));
    assertThat(told).as("nothing before the commit is quiet").isEmpty();

    tickAt(T0.plus(POLICY.settleQuiet()).plusSeconds(1));
    tickAt(T0.plusSeconds(60));

    assertThat(held()).hasSize(1);
    assertThat(livePosts()).hasSize(1);
    Notice summary = held().get(0);
    assertThat(summary.kind()).isEqualTo(NoticeKind.COMMIT_SETTLED);
    assertThat(summary.value("outcome")).isEqualTo("In sync");
    assertThat(summary.value("created")).isEqualTo("5");
    assertThat(summary.value("failed")).isEqualTo("0");
    assertThat(summary.value("author")).isEqualTo("Ada");
    assertThat(summary.value("convergeTime")).isEqualTo("270 ms");
    assertThat(summary.value("timeline")).isEqualTo("opsledger audit timeline a1b2c3d4");
  }

  @Test
  void aThousandResourceFirstSyncIsOneMessage() {
    feed(Syncs.firstSync("bulk", "b2c3d4e5f6", Syncs.many("prod", 1000), List.of(), T0));
    tickAt(T0.plusSeconds(60));

    assertThat(held()).hasSize(1);
    assertThat(livePosts()).hasSize(1);
    assertThat(held().get(0).value("created")).isEqualTo("1000");
  }

  @Test
  void aCommitSummaryShowsTheFirstDiffsAndCountsTheRest() {
    settleCommitOfDemo("c0");
    List<EventEnvelope<?>> events = new ArrayList<>();
    for (ResourceKey k : Syncs.demo("prod")) {
      events.addAll(Syncs.change("shop", "c1", k, T0).subList(0, 1));
    }
    events.add(at(T0.plusMillis(5), "c1", Fixtures.commit("shop", "c1", T0)));
    for (ResourceKey k : Syncs.demo("prod")) {
      events.addAll(Syncs.change("shop", "c1", k, T0).subList(2, 5));
    }
    feed(events);
    tickAt(T0.plusSeconds(30));

    assertThat(held()).hasSize(1);
    Notice summary = held().get(0);
    assertThat(summary.value("changed")).isEqualTo("5");
    assertThat(summary.value("diffs"))
        .contains("+  replicas: 3")
        .contains("… and 2 more diff(s)")
        .doesNotContain(Fixtures.SEALED);
  }

  @Test
  void aLiveEditThatSelfHealRevertsIsOneMessageSayingBoth() {
    settleCommitOfDemo("c0");
    ResourceKey web = Syncs.demo("prod").get(1);
    feed(Syncs.liveEdit("shop", "c0", web, T0, 120));
    tickAt(T0.plusSeconds(1));
    assertThat(held()).as("held until the hold is over").isEmpty();

    tickAt(T0.plus(POLICY.driftHold()));
    tickAt(T0.plusSeconds(60));

    assertThat(held()).hasSize(1);
    assertThat(held().get(0).kind()).isEqualTo(NoticeKind.DRIFT_DETECTED);
    assertThat(held().get(0).value("outcome"))
        .isEqualTo("drifted at /spec/replicas (live edit), healed in 120 ms");
    assertThat(livePosts()).hasSize(1);
    assertThat(told)
        .filteredOn(n -> n.audience() == Audience.CHAT_LIVE && n.updates() != null)
        .singleElement()
        .satisfies(u -> assertThat(u.updates()).isEqualTo(livePosts().get(0).id()))
        .satisfies(u -> assertThat(u.value("outcome")).contains("healed in 120 ms"));
  }

  @Test
  void aFlappingResourceWithinTheHoldIsOneMessage() {
    settleCommitOfDemo("c0");
    ResourceKey web = Syncs.demo("prod").get(1);
    feed(Syncs.liveEdit("shop", "c0", web, T0, 100));
    feed(Syncs.liveEdit("shop", "c0", web, T0.plusSeconds(4), 150));
    tickAt(T0.plusSeconds(60));

    assertThat(held()).hasSize(1);
    assertThat(held().get(0).value("outcome"))
        .startsWith("drifted 2 times at /spec/replicas (live edit), healed each time");
    assertThat(livePosts()).hasSize(1);
  }

  @Test
  void aDriftLeftInPlaceIsReportedOnceAndItsEndWhenItEnds() {
    settleCommitOfDemo("c0");
    ResourceKey web = Syncs.demo("prod").get(1);
    feed(
        List.of(
            at(T0, "c0", Fixtures.drift(web, "shop", "c0", T0)),
            at(
                T0.plusMillis(5),
                "c0",
                Fixtures.skipped(web, "shop", "c0", "self-heal-disabled", T0.plusMillis(5)))));
    tickAt(T0.plusSeconds(60));
    tickAt(T0.plusSeconds(3600));
    assertThat(held()).hasSize(1);
    assertThat(held().get(0).value("outcome")).contains("left in place (self-heal-disabled)");

    Instant fixed = T0.plusSeconds(7200);
    feed(List.of(at(fixed, "c0", Fixtures.inSync(web, "shop", "c0", fixed))));
    tickAt(fixed.plusSeconds(60));

    assertThat(held()).hasSize(2);
    assertThat(held().get(1).kind()).isEqualTo(NoticeKind.CONVERGED);
    assertThat(held().get(1).value("outcome")).contains("ended after 2 h");
    assertThat(held().get(1).id()).isNotEqualTo(held().get(0).id());
  }

  @Test
  void aCommitOfADetectOnlySourceIsSummarisedAsLeftAsIsWithItsDrift() {
    ResourceKey web = Syncs.demo("prod").get(1);
    feed(
        List.of(
            at(T0, "d1", Fixtures.desired(web, "watched", "d1", T0)),
            at(T0.plusMillis(5), "d1", Fixtures.commit("watched", "d1", T0)),
            at(T0.plusMillis(20), "d1", Fixtures.drift(web, "watched", "d1", T0.plusMillis(20))),
            at(
                T0.plusMillis(30),
                "d1",
                Fixtures.skipped(web, "watched", "d1", "detect-only", T0.plusMillis(30)))));
    tickAt(T0.plusSeconds(60));

    assertThat(held())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.kind()).isEqualTo(NoticeKind.COMMIT_SETTLED);
              assertThat(n.value("details"))
                  .contains("left as is: " + web.shortName() + " (detect-only)");
              assertThat(n.value("diffs")).contains("replicas");
            });
  }

  @Test
  void aLiveEditOfADetectOnlyResourceIsAlertedAsLeftInPlace() {
    settleCommitOfDemo("c0");
    ResourceKey web = Syncs.demo("prod").get(1);
    feed(
        List.of(
            at(T0, "c0", Fixtures.drift(web, "shop", "c0", T0)),
            at(
                T0.plusMillis(5),
                "c0",
                Fixtures.skipped(web, "shop", "c0", "detect-only", T0.plusMillis(5)))));
    tickAt(T0.plusSeconds(60));

    assertThat(held())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.kind()).isEqualTo(NoticeKind.DRIFT_DETECTED);
              assertThat(n.value("outcome")).contains("left in place (detect-only)");
            });
  }

  @Test
  void aRetryableFailureThatResolvesWithinTheGracePeriodSendsNothing() {
    settleCommitOfDemo("c0");
    ResourceKey web = Syncs.demo("prod").get(1);
    feed(
        List.of(
            at(T0, "c0", Fixtures.retrying(web, "shop", "c0", 1, T0)),
            at(T0.plusSeconds(2), "c0", Fixtures.retrying(web, "shop", "c0", 2, T0.plusSeconds(2))),
            at(T0.plusSeconds(5), "c0", Fixtures.inSync(web, "shop", "c0", T0.plusSeconds(5)))));
    tickAt(T0.plusSeconds(120));

    assertThat(told).isEmpty();
  }

  @Test
  void aPersistentFailureSendsOneAlertThenOneResolved() {
    settleCommitOfDemo("c0");
    ResourceKey web = Syncs.demo("prod").get(1);
    List<EventEnvelope<?>> failing = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      Instant t = T0.plusSeconds(10L * i);
      failing.add(at(t, "c0", Fixtures.retrying(web, "shop", "c0", i, t)));
    }
    feed(failing);
    tickAt(T0.plusSeconds(100));
    assertThat(held())
        .singleElement()
        .satisfies(n -> assertThat(n.kind()).isEqualTo(NoticeKind.APPLY_FAILED));

    feed(
        List.of(
            at(
                T0.plusSeconds(200),
                "c0",
                Fixtures.inSync(web, "shop", "c0", T0.plusSeconds(200)))));
    tickAt(T0.plusSeconds(300));

    assertThat(held()).hasSize(2);
    assertThat(held().get(1).kind()).isEqualTo(NoticeKind.CONVERGED);
    assertThat(held().get(1).value("outcome")).contains("resolved after 3 min 10 s");
  }

  @Test
  void aPersistentApplyFailureOfACommitThenFixedByACommitIsTwoSummaries() {
    ResourceKey web = Fixtures.deployment("prod", "web");
    feed(
        List.of(
            at(T0, "bad", Fixtures.desired(web, "shop", "bad", T0)),
            at(T0.plusMillis(5), "bad", Fixtures.commit("shop", "bad", T0)),
            at(T0.plusMillis(20), "bad", Fixtures.missing(web, "shop", "bad", T0.plusMillis(20))),
            at(
                T0.plusMillis(40),
                "bad",
                Fixtures.applyFailed(web, "shop", "bad", true, T0.plusMillis(40)))));
    tickAt(T0.plusSeconds(30));
    assertThat(held())
        .singleElement()
        .satisfies(n -> assertThat(n.value("outcome")).isEqualTo("Failed"));
    assertThat(held().get(0).value("details")).contains("spec.replicas: must be >= 0");

    Instant t1 = T0.plusSeconds(600);
    feed(Syncs.change("shop", "good", web, t1));
    tickAt(t1.plusSeconds(30));

    assertThat(held()).hasSize(2);
    assertThat(held().get(1).value("outcome")).isEqualTo("In sync");
    assertThat(held().get(1).value("changed")).isEqualTo("1");
    assertThat(held().get(1).value("details")).contains("fixes shop/Deployment/web");
  }

  @Test
  void aRejectedCommitIsOneMessage() {
    feed(Syncs.rejected("shop", "bad", T0));
    tickAt(T0.plusSeconds(60));

    assertThat(held())
        .singleElement()
        .satisfies(n -> assertThat(n.kind()).isEqualTo(NoticeKind.COMMIT_REJECTED));
    assertThat(livePosts()).hasSize(1);
  }

  @Test
  void aCommitWaitingForApprovalSettlesAsWaitingAndSaysHowToApprove() {
    ResourceKey web = Fixtures.deployment("prod", "web");
    feed(
        List.of(
            at(T0, "c1", Fixtures.desired(web, "shop", "c1", T0)),
            at(T0.plusMillis(5), "c1", Fixtures.commit("shop", "c1", T0)),
            at(T0.plusMillis(20), "c1", Fixtures.drift(web, "shop", "c1", T0.plusMillis(20))),
            at(T0.plusMillis(30), "c1", Fixtures.approval(web, "shop", "c1", T0.plusMillis(30)))));
    tickAt(T0.plusSeconds(30));

    assertThat(held())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.value("outcome")).isEqualTo("Waiting for approval");
              assertThat(n.value("details")).contains("opsledger sync --all");
            });
  }

  @Test
  void aCommitThatNeverSettlesIsSummarisedAtTheTimeoutSayingWhatIsLeft() {
    ResourceKey web = Fixtures.deployment("prod", "web");
    feed(
        List.of(
            at(T0, "c1", Fixtures.desired(web, "shop", "c1", T0)),
            at(T0.plusMillis(5), "c1", Fixtures.commit("shop", "c1", T0))));
    tickAt(T0.plus(POLICY.settleTimeout()).minusSeconds(1));
    assertThat(told).isEmpty();

    tickAt(T0.plus(POLICY.settleTimeout()));
    assertThat(held())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.value("outcome")).isEqualTo("Not settled");
              assertThat(n.value("counts")).contains("not settled 1");
            });
  }

  @Test
  void aDigestRebuiltFromTheLogInTheMiddleOfSettlingOwesTheSameSummaryUnderTheSameId() {
    List<EventEnvelope<?>> sync = Syncs.firstSync("shop", "r1", Syncs.demo("prod"), List.of(), T0);
    int half = sync.size() / 2;
    feed(sync.subList(0, half));
    assertThat(told).isEmpty();

    // A restart: a new digest replays what the previous run handled, then gets the rest.
    Digest rebuilt = new Digest(POLICY, 10_000);
    Instant restart = T0.plusMillis(100);
    sync.subList(0, half).forEach(e -> rebuilt.observe(e, restart));
    sync.subList(half, sync.size()).forEach(e -> rebuilt.observe(e, e.time()));
    List<Notice> after = rebuilt.due(T0.plusSeconds(30));
    feed(sync.subList(half, sync.size()));
    tickAt(T0.plusSeconds(30));

    assertThat(after).hasSize(1);
    assertThat(after.get(0).id()).isEqualTo(told.get(0).id());
    assertThat(after.get(0).value("created")).isEqualTo("5");
  }

  @Test
  void diffsOfARevisionNobodyDeclaredLatelyAreDriftsOfAnOlderCommit() {
    ResourceKey web = Fixtures.deployment("prod", "web");
    feed(Syncs.liveEdit("shop", "old", web, T0, 120));
    tickAt(T0.plusSeconds(60));

    assertThat(held())
        .singleElement()
        .satisfies(
            n ->
                assertThat(n.value("outcome"))
                    .isEqualTo("drifted at /spec/replicas (live edit), healed in 120 ms"));
  }

  @Test
  void aLiveEditWhileItsCommitWaitsForQuietIsToldOnItsOwn() {
    List<ResourceKey> demo = Syncs.demo("prod");
    feed(Syncs.firstSync("shop", "c1", demo, List.of(), T0));
    feed(Syncs.liveEdit("shop", "c1", demo.get(1), T0.plusMillis(500), 120));
    tickAt(T0.plusSeconds(60));

    assertThat(held()).hasSize(2);
    assertThat(held().get(0).value("created")).isEqualTo("5");
    assertThat(held().get(1).value("outcome"))
        .isEqualTo("drifted at /spec/replicas (live edit), healed in 120 ms");
  }

  @Test
  void durationsReadAsPeopleSayThem() {
    assertThat(Durations.human(Duration.ofMillis(120))).isEqualTo("120 ms");
    assertThat(Durations.human(Duration.ofMillis(4200))).isEqualTo("4.2 s");
    assertThat(Durations.human(Duration.ofSeconds(185))).isEqualTo("3 min 5 s");
    assertThat(Durations.human(Duration.ofMinutes(125))).isEqualTo("2 h 5 min");
  }
}
