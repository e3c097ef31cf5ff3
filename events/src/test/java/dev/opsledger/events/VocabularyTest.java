package dev.opsledger.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract's vocabulary: diff states and skip policies are named once here, with the very
 * strings the log and the audit's answers have always carried.
 */
class VocabularyTest {

  private static final ResourceKey KEY = EventExamples.DEPLOYMENT;
  private static final Instant T = EventExamples.T0;

  private final EventCodec codec = new EventCodec();

  @Test
  void eachDiffEventTypeReportsItsOwnState() {
    Set<DiffState> reported =
        Arrays.stream(DiffEvent.class.getPermittedSubclasses())
            .map(c -> diffOf(EventType.of(c)).state())
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(DiffState.class)));

    assertThat(DiffEvent.class.getPermittedSubclasses()).hasSize(DiffState.values().length);
    assertThat(reported).containsExactlyInAnyOrder(DiffState.values());
  }

  @Test
  void diffStatesAreWrittenWithTheWordsTheAuditPrints() {
    assertThat(Arrays.stream(DiffState.values()).map(DiffState::label))
        .containsExactly("Drifted", "InSync", "Missing", "Extraneous", "Removed", "DiffFailed");
  }

  @ParameterizedTest
  @EnumSource(DiffState.class)
  void diffStateRoundTripsThroughJson(DiffState state) throws Exception {
    String json = EventJson.mapper().writeValueAsString(state);

    assertThat(json).isEqualTo("\"" + state.label() + "\"");
    assertThat(EventJson.mapper().readValue(json, DiffState.class)).isSameAs(state);
  }

  @Test
  void unknownDiffStateIsRefused() {
    assertThatThrownBy(() -> DiffState.fromLabel("OutOfSync"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OutOfSync");
  }

  @Test
  void onlyMissingDriftedAndExtraneousGiveTheApplierWork() {
    assertThat(EnumSet.allOf(DiffState.class).stream().filter(DiffState::actionable))
        .containsExactlyInAnyOrder(DiffState.MISSING, DiffState.DRIFTED, DiffState.EXTRANEOUS);
    assertThat(EnumSet.allOf(DiffState.class).stream().filter(DiffState::converged))
        .containsExactlyInAnyOrder(DiffState.IN_SYNC, DiffState.REMOVED);
  }

  @Test
  void aDiffAboutARemovedResourceNamesTheRevisionThatRemovedIt() {
    var extraneous = new ResourceExtraneous(KEY, "shop", "r2", "h", T);
    var removed = new ResourceRemoved(KEY, "shop", "r3", T);
    var missing = new ResourceMissing(KEY, "shop", "r1", T);

    assertThat(extraneous.revision()).isEqualTo("r2");
    assertThat(removed.revision()).isEqualTo("r3");
    assertThat(missing.revision()).isEqualTo("r1");
    assertThat(extraneous.sourceId()).isEqualTo("shop");
  }

  @Test
  void skipPoliciesAreWrittenAsTheyAlwaysWere() {
    assertThat(Arrays.stream(SkipPolicy.values()).map(SkipPolicy::wire))
        .containsExactly(
            "manual-approval",
            "prune-disabled",
            "self-heal-disabled",
            "stale-revision",
            "already-applied",
            "prune-held",
            "detect-only",
            "sync-window-closed",
            "rollback-paused",
            "waiting-for-wave",
            "waiting-for-source");
  }

  @Test
  void policiesThatKeepAResourceOutOfSyncWithoutAnApprovalLeaveTheDriftInPlace() {
    assertThat(Arrays.stream(SkipPolicy.values()).filter(SkipPolicy::leavesDriftInPlace))
        .containsExactly(
            SkipPolicy.PRUNE_DISABLED,
            SkipPolicy.SELF_HEAL_DISABLED,
            SkipPolicy.DETECT_ONLY,
            SkipPolicy.SYNC_WINDOW_CLOSED,
            SkipPolicy.ROLLBACK_PAUSED);
  }

  @Test
  void onlyManualSyncAndAHeldPruneWaitForAnApproval() {
    assertThat(Arrays.stream(SkipPolicy.values()).filter(SkipPolicy::waitsForApproval))
        .containsExactly(SkipPolicy.MANUAL_APPROVAL, SkipPolicy.PRUNE_HELD);
  }

  @Test
  void theSchemaOffersSubscribersExactlyThePoliciesTheApplierWrites() {
    var examples =
        ContractSchemas.document(EventType.APPLY_SKIPPED.schemaResource())
            .path("properties")
            .path("policy")
            .path("examples");

    assertThat(examples.valueStream().map(n -> n.asText()))
        .containsExactly(
            Arrays.stream(SkipPolicy.values()).map(SkipPolicy::wire).toArray(String[]::new));
  }

  @ParameterizedTest
  @EnumSource(SkipPolicy.class)
  void skipPolicyRoundTripsThroughJsonAndTheLog(SkipPolicy policy) throws Exception {
    String json = EventJson.mapper().writeValueAsString(policy);
    var typed = envelope(new ApplySkipped(KEY, "shop", "r1", policy, "why", T));
    var text = envelope(new ApplySkipped(KEY, "shop", "r1", policy.wire(), "why", T));

    assertThat(json).isEqualTo("\"" + policy.wire() + "\"");
    assertThat(EventJson.mapper().readValue(json, SkipPolicy.class)).isSameAs(policy);
    assertThat(codec.encode(typed).value()).isEqualTo(codec.encode(text).value());
    ApplySkipped back = (ApplySkipped) codec.decode(codec.encode(typed)).data();
    assertThat(back.skipPolicy()).contains(policy);
    assertThat(back.skippedBy(policy)).isTrue();
  }

  @Test
  void aPolicyFromANewerApplierIsStillReadAndKeptAsWritten() throws Exception {
    EncodedEvent known =
        codec.encode(
            envelope(new ApplySkipped(KEY, "shop", "r1", SkipPolicy.MANUAL_APPROVAL, "", T)));
    ObjectNode body = (ObjectNode) EventJson.mapper().readTree(known.value());
    body.put("policy", "change-window-closed");
    byte[] newer = EventJson.mapper().writeValueAsBytes(body);

    ApplySkipped read = (ApplySkipped) codec.decode(known.headers(), newer).data();

    assertThat(read.policy()).isEqualTo("change-window-closed");
    assertThat(read.skipPolicy()).isEmpty();
    assertThat(read.skippedBy(SkipPolicy.MANUAL_APPROVAL)).isFalse();
    assertThat(EventJson.mapper().readTree(EventJson.mapper().writeValueAsBytes(read)))
        .isEqualTo(body);
    assertThatThrownBy(() -> SkipPolicy.fromWire("change-window-closed"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void accessorsOfTheHierarchyAreNotWrittenOnTheLog() throws Exception {
    var drift = (DriftDetected) diffOf(EventType.DRIFT_DETECTED);
    var body = EventJson.mapper().readTree(codec.encode(envelope(drift)).value());

    assertThat(body.has("state")).isFalse();
    assertThat(body.has("revision")).isFalse();
  }

  private static DiffEvent diffOf(EventType type) {
    return (DiffEvent) EventExamples.of(type).data();
  }

  private static EventEnvelope<OpsLedgerEvent> envelope(OpsLedgerEvent event) {
    return new EventEnvelope<>(
        "2b7e1516-28ae-4d2a-8f15-88097f00b001", "/opsledger/applier", T, "r1", null, null, event);
  }
}
