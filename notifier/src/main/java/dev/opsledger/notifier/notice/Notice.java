package dev.opsledger.notifier.notice;

import dev.opsledger.events.EventEnvelope;
import java.util.Map;

/**
 * One thing worth telling people, independent of the channel it goes to.
 *
 * @param kind what it is about
 * @param severity how urgent it is
 * @param subject the resource key text, or the source id for revision-wide notices; the subject of
 *     the {@code NotificationSent} event
 * @param sourceId the source that declares the resource or made the commit, empty when unknown
 * @param target the resource's target, empty for revision-wide notices
 * @param revision the commit SHA it is about, empty when unknown
 * @param state the state the subject is in, e.g. {@code drifted}, {@code in-sync}, {@code success};
 *     with the subject it forms the dedupe key
 * @param values the template placeholders, every value already masked
 * @param commitState the aggregated revision state, only for {@link NoticeKind#COMMIT_STATUS}
 * @param trigger the event that caused the notice
 * @param id what the notice is remembered under, per channel, in the sent ledger and in {@code
 *     NotificationSent.triggerEventId}: the trigger's id for per-event notices; for chat digests
 *     the id of the event that opened what the message is about, so that rebuilding the digest from
 *     the log gives the same id
 * @param audience who it is for, which decides the channels it may go to
 * @param updates the id of an earlier chat message this one updates in place (a channel that can
 *     edit), or {@code null}
 */
public record Notice(
    NoticeKind kind,
    Severity severity,
    String subject,
    String sourceId,
    String target,
    String revision,
    String state,
    Map<String, String> values,
    CommitState commitState,
    EventEnvelope<?> trigger,
    String id,
    Audience audience,
    String updates) {

  /** A per-event notice, remembered under its trigger's id. */
  public Notice(
      NoticeKind kind,
      Severity severity,
      String subject,
      String sourceId,
      String target,
      String revision,
      String state,
      Map<String, String> values,
      CommitState commitState,
      EventEnvelope<?> trigger) {
    this(
        kind,
        severity,
        subject,
        sourceId,
        target,
        revision,
        state,
        values,
        commitState,
        trigger,
        trigger.id(),
        Audience.EVENTS,
        null);
  }

  /** Copies the values; absent texts become empty. */
  public Notice {
    id = id == null ? trigger.id() : id;
    audience = audience == null ? Audience.EVENTS : audience;
    sourceId = sourceId == null ? "" : sourceId;
    target = target == null ? "" : target;
    revision = revision == null ? "" : revision;
    values = Map.copyOf(values);
  }

  /**
   * What a state belongs to, for "posted again only when the state changes": the subject, and for a
   * commit status the subject (the source id) with its revision, since each commit has its own.
   */
  public String changeKey() {
    return kind == NoticeKind.COMMIT_STATUS ? subject + "@" + revision : subject;
  }

  /** The key repeats are suppressed under: {@code <changeKey>|<state>}. */
  public String dedupeKey() {
    return changeKey() + "|" + state;
  }

  /** A template placeholder's value, empty when absent. */
  public String value(String name) {
    return values.getOrDefault(name, "");
  }
}
