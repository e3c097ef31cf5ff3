package dev.opsledger.differ.reconcile;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.differ.diff.DiffResult;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.ResourceKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * The reconciliation of one resource ({@code ResourceKey}): it keeps the latest desired manifest,
 * the latest live object and the last diff outcome, and records a {@link
 * ReconciliationStateChanged} only when the outcome's state or fingerprint changes.
 *
 * <p>Every command handler is idempotent: an input whose {@code ce_id} was recorded, whose content
 * hash equals the one in force, whose revision is older than the newest seen for its source, or
 * whose observation is older than the newest one, records nothing and returns {@link
 * InputOutcome#DUPLICATE}, {@link InputOutcome#UNCHANGED} or {@link InputOutcome#STALE}.
 *
 * <p>Snapshots are written with Jackson (field access), so every field is a plain value.
 */
@Aggregate(snapshotTriggerDefinition = "differSnapshotTrigger", cache = "differAggregateCache")
@JsonAutoDetect(
    fieldVisibility = Visibility.ANY,
    getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE,
    setterVisibility = Visibility.NONE)
public class ResourceReconciliation {

  /**
   * The metadata key of the trace context ({@code traceparent}) on commands and on the events they
   * cause; the differ's outbox puts it on the diff event it publishes.
   */
  public static final String TRACEPARENT = "traceparent";

  /** How many input ids the aggregate remembers to drop redelivered inputs. */
  static final int RECENT_INPUTS = 32;

  @AggregateIdentifier private String id;
  private ResourceKey resource;

  private boolean declared;
  private boolean everDeclared;
  private JsonNode manifest;
  private String desiredHash;
  private String sourceId;
  private String revision;
  private Instant committedAt;
  private Long sequence;

  private Live live = Live.UNKNOWN;
  private JsonNode liveObject;
  private String liveHash;
  private boolean managed;
  private Instant observedAt;
  private String liveUid;

  private ReconcileState state = ReconcileState.UNKNOWN;
  private String fingerprint = "";
  private List<String> recentInputs = new ArrayList<>();

  /**
   * The trace of the declaration being converged on (its record's {@code traceparent}), until the
   * resource is in sync with it or removed: a state change that an observation causes meanwhile
   * (the collector reports the object absent, then created) continues the commit's trace, while
   * drift found later, after it converged, belongs to no commit and starts none.
   */
  private String desiredTrace;

  /** What is known of the live object. */
  enum Live {
    UNKNOWN,
    PRESENT,
    ABSENT
  }

  /** For Axon and Jackson. */
  protected ResourceReconciliation() {}

  /**
   * The live object as last recorded, for a pull request preview: {@code null} when it is absent or
   * was never observed. Read-only; handles no command and applies nothing.
   */
  public JsonNode liveForPreview() {
    return live == Live.PRESENT ? liveObject : null;
  }

  /** Whether OpsLedger applied the live object, for a pull request preview. Read-only. */
  public boolean managedForPreview() {
    return managed;
  }

  /**
   * Records a desired state. Dedupe: the input's {@code ce_id}; the same revision of the same
   * source; the same content hash while declared; a commit older than the newest seen for the
   * source.
   */
  @CommandHandler
  @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
  public InputOutcome handle(RecordDesiredState cmd, DiffPolicy policy) {
    if (seen(cmd.inputId())) {
      return InputOutcome.DUPLICATE;
    }
    if (sameSource(cmd.sourceId()) && cmd.revision().equals(revision)) {
      return InputOutcome.DUPLICATE;
    }
    if (olderThanSeen(cmd.sourceId(), cmd.sequence(), cmd.committedAt())) {
      return InputOutcome.STALE;
    }
    if (declared && cmd.contentHash().equals(desiredHash) && sameSource(cmd.sourceId())) {
      return InputOutcome.UNCHANGED;
    }
    apply(
        new DesiredStateRecorded(
            cmd.reconciliationId(),
            cmd.resource(),
            cmd.inputId(),
            cmd.sourceId(),
            cmd.revision(),
            cmd.contentHash(),
            cmd.manifest(),
            cmd.committedAt(),
            cmd.sequence()));
    reevaluate(policy, cmd.inputId(), cmd.inputTime());
    return InputOutcome.RECORDED;
  }

  /**
   * Records that Git no longer declares the resource. Dedupe: the input's {@code ce_id}; not
   * declared any more; a commit older than the newest seen for the source; another source's
   * removal.
   */
  @CommandHandler
  @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
  public InputOutcome handle(RecordDesiredRemoval cmd, DiffPolicy policy) {
    if (seen(cmd.inputId())) {
      return InputOutcome.DUPLICATE;
    }
    if (!declared) {
      return InputOutcome.UNCHANGED;
    }
    if (!sameSource(cmd.sourceId())
        || olderThanSeen(cmd.sourceId(), cmd.sequence(), cmd.committedAt())) {
      return InputOutcome.STALE;
    }
    apply(
        new DesiredRemovalRecorded(
            cmd.reconciliationId(),
            cmd.resource(),
            cmd.inputId(),
            cmd.sourceId(),
            cmd.revision(),
            cmd.committedAt(),
            cmd.sequence()));
    reevaluate(policy, cmd.inputId(), cmd.inputTime());
    return InputOutcome.RECORDED;
  }

  /**
   * Records a live state. Dedupe: the input's {@code ce_id}; the same content hash, managed flag
   * and uid; an observation older than the newest one.
   *
   * <p>A new uid alone (the object was deleted and recreated with the same content) is recorded, so
   * that what the aggregate hands on names the object that is live now, but it never changes the
   * state or the fingerprint: the uid is not configuration, and a recreated object is not a drift.
   * An extraneous object recreated after its {@code ResourceExtraneous} was published is so not
   * offered for pruning again: the applier's prune of the observed uid refuses it ({@code
   * Recreated}), and the object someone recreated stays.
   */
  @CommandHandler
  @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
  public InputOutcome handle(RecordObservedState cmd, DiffPolicy policy) {
    if (seen(cmd.inputId())) {
      return InputOutcome.DUPLICATE;
    }
    if (observedAt != null && cmd.observedAt().isBefore(observedAt)) {
      return InputOutcome.STALE;
    }
    if (live == Live.PRESENT
        && cmd.contentHash().equals(liveHash)
        && cmd.managed() == managed
        && Objects.equals(cmd.uid(), liveUid)) {
      return InputOutcome.UNCHANGED;
    }
    apply(
        new LiveStateRecorded(
            cmd.reconciliationId(),
            cmd.resource(),
            cmd.inputId(),
            cmd.contentHash(),
            cmd.live(),
            cmd.managed(),
            cmd.observedAt(),
            cmd.uid()));
    reevaluate(policy, cmd.inputId(), cmd.inputTime());
    return InputOutcome.RECORDED;
  }

  /**
   * Records that the resource is not live. Dedupe: the input's {@code ce_id}; already absent; an
   * observation older than the newest one.
   */
  @CommandHandler
  @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
  public InputOutcome handle(RecordObservedAbsence cmd, DiffPolicy policy) {
    if (seen(cmd.inputId())) {
      return InputOutcome.DUPLICATE;
    }
    if (observedAt != null && cmd.observedAt().isBefore(observedAt)) {
      return InputOutcome.STALE;
    }
    if (live == Live.ABSENT) {
      return InputOutcome.UNCHANGED;
    }
    apply(
        new LiveAbsenceRecorded(
            cmd.reconciliationId(), cmd.resource(), cmd.inputId(), cmd.observedAt()));
    reevaluate(policy, cmd.inputId(), cmd.inputTime());
    return InputOutcome.RECORDED;
  }

  private void reevaluate(DiffPolicy policy, String causationId, Instant causeTime) {
    ReconciliationStateChanged next = evaluate(policy, causationId, causeTime);
    if (next != null
        && !(next.state() == state && next.fingerprint().equals(fingerprint))
        && next.state() != ReconcileState.UNKNOWN) {
      if (desiredTrace != null) {
        // The command's own traceparent, when it has one, is added by Axon's correlation data and
        // wins; an observation has none.
        apply(next, MetaData.with(TRACEPARENT, desiredTrace));
      } else {
        apply(next);
      }
    }
  }

  /** The outcome of the inputs in force, or {@code null} when nothing can be said yet. */
  private ReconciliationStateChanged evaluate(
      DiffPolicy policy, String causationId, Instant causeTime) {
    if (declared) {
      if (live == Live.UNKNOWN) {
        return null;
      }
      DiffResult result = policy.diff(manifest, live == Live.PRESENT ? liveObject : null);
      return fromDiff(result, policy.now(), causationId, causeTime);
    }
    if (!everDeclared || live == Live.UNKNOWN) {
      return null;
    }
    ReconcileState next =
        live == Live.PRESENT && managed ? ReconcileState.EXTRANEOUS : ReconcileState.REMOVED;
    return changed(next, "", policy.now(), causationId, causeTime, null, null, List.of(), null);
  }

  private ReconciliationStateChanged fromDiff(
      DiffResult result, Instant now, String causationId, Instant causeTime) {
    if (result instanceof DiffResult.Drifted d) {
      return changed(
          ReconcileState.DRIFTED,
          d.fingerprint(),
          now,
          causationId,
          causeTime,
          d.patch(),
          d.unifiedDiff(),
          d.changedPaths(),
          null);
    }
    if (result instanceof DiffResult.CannotCompare c) {
      return verdict(
          ReconcileState.FAILED,
          reasonFingerprint(c.reason()),
          now,
          causationId,
          causeTime,
          c.reason());
    }
    if (result instanceof DiffResult.Missing) {
      return verdict(
          ReconcileState.MISSING, missingFingerprint(revision), now, causationId, causeTime, null);
    }
    // In sync is said again for every new desired content: "in sync at revision R" is only true
    // once R was compared, and status must not carry an older revision's verdict over to R.
    return verdict(
        ReconcileState.IN_SYNC, inSyncFingerprint(revision), now, causationId, causeTime, null);
  }

  /** A state without a patch: in sync, missing, or failed with a reason. */
  private ReconciliationStateChanged verdict(
      ReconcileState next,
      String nextFingerprint,
      Instant now,
      String causationId,
      Instant causeTime,
      String reason) {
    return changed(
        next, nextFingerprint, now, causationId, causeTime, null, null, List.of(), reason);
  }

  private ReconciliationStateChanged changed(
      ReconcileState next,
      String nextFingerprint,
      Instant now,
      String causationId,
      Instant causeTime,
      JsonNode patch,
      String diff,
      List<String> changedPaths,
      String reason) {
    return new ReconciliationStateChanged(
        id,
        resource,
        next,
        nextFingerprint,
        sourceId,
        revision,
        live == Live.PRESENT ? liveHash : null,
        patch,
        diff,
        changedPaths,
        reason,
        causationId,
        causeTime,
        now,
        live == Live.PRESENT ? liveUid : null);
  }

  /** The fingerprint of being in sync: the desired revision it was found at. */
  public static String inSyncFingerprint(String revision) {
    return "revision:" + (revision == null ? "" : revision);
  }

  /**
   * The fingerprint of being missing: the desired revision it was found missing at. Missing is said
   * again for a new revision because the applier skips a Missing of a revision older than the one
   * it knows: a live delete racing a commit would otherwise leave the object missing for good.
   */
  public static String missingFingerprint(String revision) {
    return inSyncFingerprint(revision);
  }

  /** The fingerprint of a failure: a digest of its reason, so the same failure is not repeated. */
  public static String reasonFingerprint(String reason) {
    return "sha256:" + CanonicalJson.sha256Hex(reason.getBytes(StandardCharsets.UTF_8));
  }

  @EventSourcingHandler
  void on(DesiredStateRecorded e, @MetaDataValue(TRACEPARENT) String traceparent) {
    identify(e.reconciliationId(), e.resource(), e.inputId());
    desiredTrace = traceparent;
    declared = true;
    everDeclared = true;
    manifest = e.manifest();
    desiredHash = e.contentHash();
    sourceId = e.sourceId();
    revision = e.revision();
    committedAt = later(committedAt, e.committedAt());
    sequence = e.sequence() == null ? sequence : e.sequence();
  }

  @EventSourcingHandler
  void on(DesiredRemovalRecorded e, @MetaDataValue(TRACEPARENT) String traceparent) {
    identify(e.reconciliationId(), e.resource(), e.inputId());
    desiredTrace = traceparent;
    declared = false;
    manifest = null;
    desiredHash = null;
    revision = e.revision();
    committedAt = later(committedAt, e.committedAt());
    sequence = e.sequence() == null ? sequence : e.sequence();
  }

  @EventSourcingHandler
  void on(LiveStateRecorded e) {
    identify(e.reconciliationId(), e.resource(), e.inputId());
    live = Live.PRESENT;
    liveObject = e.live();
    liveHash = e.contentHash();
    managed = e.managed();
    observedAt = e.observedAt();
    liveUid = e.uid();
  }

  @EventSourcingHandler
  void on(LiveAbsenceRecorded e) {
    identify(e.reconciliationId(), e.resource(), e.inputId());
    live = Live.ABSENT;
    liveObject = null;
    liveHash = null;
    managed = false;
    observedAt = e.observedAt();
    liveUid = null;
  }

  @EventSourcingHandler
  void on(ReconciliationStateChanged e) {
    state = e.state();
    fingerprint = e.fingerprint();
    if (state == ReconcileState.IN_SYNC || state == ReconcileState.REMOVED) {
      desiredTrace = null;
    }
  }

  private void identify(String aggregateId, ResourceKey key, String inputId) {
    id = aggregateId;
    resource = key;
    recentInputs.add(inputId);
    if (recentInputs.size() > RECENT_INPUTS) {
      recentInputs.remove(0);
    }
  }

  private boolean seen(String inputId) {
    return recentInputs.contains(inputId);
  }

  private boolean sameSource(String source) {
    return sourceId == null || Objects.equals(sourceId, source);
  }

  /**
   * Whether an input of the same source declares an older revision than the one in force. The order
   * is the git-watcher's sequence, the order in which it recorded the revisions: a force-push back
   * to an older commit or a backdated commit is newer because it was recorded later. Commit dates
   * decide only between inputs written before sequences existed; such an input is older than any
   * sequenced one.
   */
  private boolean olderThanSeen(String source, Long inputSequence, Instant at) {
    if (!sameSource(source)) {
      return false;
    }
    if (inputSequence != null) {
      return sequence != null && inputSequence < sequence;
    }
    if (sequence != null) {
      return true;
    }
    return at != null && committedAt != null && at.isBefore(committedAt);
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || b.isBefore(a) ? a : b;
  }

  /** The current state (for tests and snapshots). */
  ReconcileState state() {
    return state;
  }
}
