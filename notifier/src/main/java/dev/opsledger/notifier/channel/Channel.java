package dev.opsledger.notifier.channel;

import dev.opsledger.notifier.notice.Audience;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import java.util.EnumSet;
import java.util.Set;

/** A place notices go to. Implementations are the HTTP edge of the notifier. */
public interface Channel {

  /** Every kind except commit statuses: what chat and webhook channels carry. */
  Set<NoticeKind> MESSAGE_KINDS = EnumSet.complementOf(EnumSet.of(NoticeKind.COMMIT_STATUS));

  /** Only commit statuses: what Git host channels carry. */
  Set<NoticeKind> STATUS_KINDS = EnumSet.of(NoticeKind.COMMIT_STATUS);

  /**
   * Who this channel is for: machines get one notice per event ({@link Audience#EVENTS}); chat
   * channels get the digest ({@link Audience#CHAT} and the held or live variant).
   */
  default Set<Audience> audiences() {
    return EnumSet.of(Audience.EVENTS);
  }

  /** The configured name. */
  String name();

  /** {@code slack}, {@code github-status}, {@code gitlab-status} or {@code webhook}. */
  String type();

  /** The notice kinds this channel carries. */
  Set<NoticeKind> kinds();

  /**
   * Whether repeats are suppressed by state change (commit statuses: post only a new state) rather
   * than by a time window (messages).
   */
  default boolean changeMode() {
    return false;
  }

  /**
   * Delivers one notice, once; the caller retries.
   *
   * @throws DeliveryException.Retryable when another attempt may succeed
   * @throws DeliveryException.Terminal when no attempt can
   */
  void send(Notice notice) throws DeliveryException;
}
