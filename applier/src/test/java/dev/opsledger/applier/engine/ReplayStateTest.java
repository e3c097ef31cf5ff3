package dev.opsledger.applier.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.GeneratedLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The applier's start-up state restored from a snapshot and the records after it is the state a
 * replay of the whole log gives, and compaction bounds it without changing the work it derives.
 */
class ReplayStateTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final EventCodec CODEC = new EventCodec();

  private final List<EventEnvelope<OpsLedgerEvent>> log = new ArrayList<>();

  @Test
  void aSnapshotPlusTheRecordsAfterItGivesTheStateOfAFullReplay() throws Exception {
    new GeneratedLog(120, 12, T0, 7).write(log::add);
    Instant now = T0.plus(Duration.ofDays(1));
    for (int cut : List.of(0, 1, log.size() / 3, log.size() / 2 + 17, log.size() - 1)) {
      ReplayState full = fold(state(), log);

      ReplayState before = fold(state(), log.subList(0, cut));
      ReplayState restored = throughSnapshot(before);
      fold(restored, log.subList(cut, log.size()));

      assertSameState(restored, full, now);
    }
  }

  @Test
  void snapshotsTakenAgainAndAgainStillGiveTheStateOfAFullReplay() throws Exception {
    new GeneratedLog(60, 10, T0, 11).write(log::add);
    Instant now = T0.plus(Duration.ofDays(1));
    ReplayState rolling = state();
    int step = log.size() / 7;
    for (int from = 0; from < log.size(); from += step) {
      rolling =
          throughSnapshot(fold(rolling, log.subList(from, Math.min(log.size(), from + step))));
    }
    assertSameState(rolling, fold(state(), log), now);
  }

  @Test
  void compactionKeepsOnlyTheRedeliveryWindowOfDiffIdsWithoutChangingPendingWork() {
    new GeneratedLog(100, 10, T0, 3).write(log::add);
    Instant now = T0.plus(Duration.ofDays(1));
    ReplayState unbounded = fold(new ReplayState(CODEC, Integer.MAX_VALUE, Duration.ZERO), log);
    ReplayState bounded = fold(new ReplayState(CODEC, 50, Duration.ZERO), log);

    bounded.compact(now);

    PendingWork.Derived all = unbounded.derive(now);
    PendingWork.Derived kept = bounded.derive(now);
    assertThat(all.done()).hasSizeGreaterThan(500);
    // The newest 50 ids, plus those of the resources' latest diffs.
    assertThat(kept.done()).hasSizeLessThanOrEqualTo(50 + 100);
    assertThat(ids(kept.pending())).isEqualTo(ids(all.pending()));
    assertThat(ids(kept.awaiting())).isEqualTo(ids(all.awaiting()));
    assertThat(kept.done())
        .containsAll(all.done().subList(all.done().size() - 50, all.done().size()));
  }

  @Test
  void resourcesRemovedLongerAgoThanTheBoundAreForgottenAndOthersKept() {
    new GeneratedLog(100, 5, T0, 5).write(log::add);
    ReplayState state = fold(new ReplayState(CODEC, 1000, Duration.ofDays(7)), log);

    List<ResourceKey> soon = state.compact(T0.plus(Duration.ofDays(1)));
    List<ResourceKey> later = state.compact(T0.plus(Duration.ofDays(30)));

    assertThat(soon).isEmpty();
    // Every tenth resource is removed from Git in the last round.
    assertThat(later).hasSize(10).allSatisfy(k -> assertThat(state.view(k)).isNull());
    assertThat(state.resources()).isEqualTo(90);
    assertThat(state.view(GeneratedLog.key(4))).isNotNull();
  }

  @Test
  void aSnapshotKeepsTheCountsOfTheRevisionThatRemovedAResource() throws Exception {
    ResourceKey key = GeneratedLog.key(0);
    ReplayState state = state();
    state.desired(
        new dev.opsledger.events.DesiredStateRemoved(
            key, "src", "r2", "a.yaml", null, T0, null, 2L, 4, 5));

    DesiredView restored = throughSnapshot(state).view(key);

    assertThat(restored.removal()).isEqualTo(new DesiredView.RemovalCounts(4, 5));
    assertThat(restored).isEqualTo(state.view(key));
  }

  @Test
  void anEntryOfAnUnknownKindIsRejectedSoTheCallerRebuildsFromTheLog() {
    JsonNode entry = EventJson.mapper().createObjectNode().put("kind", "from-the-future");

    assertThatThrownBy(() -> state().restore(entry)).isInstanceOf(IllegalArgumentException.class);
  }

  private static ReplayState state() {
    return new ReplayState(CODEC, Integer.MAX_VALUE, Duration.ZERO);
  }

  private static ReplayState fold(ReplayState state, List<EventEnvelope<OpsLedgerEvent>> events) {
    for (EventEnvelope<OpsLedgerEvent> e : events) {
      Topic topic = e.type().topic();
      if (topic == Topic.DESIRED) {
        state.desired(e.data());
      } else if (topic == Topic.DIFFS) {
        state.diff(e);
      } else if (topic == Topic.APPLIES) {
        state.apply(e);
      } else if (topic == Topic.APPROVALS) {
        state.approval(e);
      }
    }
    return state;
  }

  /** Writes the state's entries as bytes and reads them back into a new state. */
  private static ReplayState throughSnapshot(ReplayState state) throws Exception {
    List<byte[]> bytes = new ArrayList<>();
    state.entries(
        n -> {
          try {
            bytes.add(EventJson.mapper().writeValueAsBytes(n));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    ReplayState restored = state();
    for (byte[] b : bytes) {
      restored.restore(EventJson.mapper().readTree(b));
    }
    return restored;
  }

  private void assertSameState(ReplayState actual, ReplayState expected, Instant now) {
    PendingWork.Derived a = actual.derive(now);
    PendingWork.Derived e = expected.derive(now);
    assertThat(attempts(a.pending())).isEqualTo(attempts(e.pending()));
    assertThat(ids(a.awaiting())).isEqualTo(ids(e.awaiting()));
    assertThat(new HashSet<>(a.done())).isEqualTo(new HashSet<>(e.done()));
    assertThat(a.lastApplied()).isEqualTo(e.lastApplied());
    assertThat(actual.resources()).isEqualTo(expected.resources());
    for (int i = 0; i < 200; i++) {
      assertThat(actual.view(GeneratedLog.key(i))).isEqualTo(expected.view(GeneratedLog.key(i)));
    }
  }

  private static Set<String> ids(List<Work> work) {
    return work.stream().map(Work::id).collect(Collectors.toSet());
  }

  private static Set<String> attempts(List<Work> work) {
    return work.stream().map(w -> w.id() + "#" + w.attempt()).collect(Collectors.toSet());
  }
}
