package dev.opsledger.notifier.once;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the notifier has sent, is sending, or gave up on, per channel: the memory behind "once".
 *
 * <ul>
 *   <li>A trigger event is notified at most once per channel: its id with the channel is claimed
 *       before the send and recorded when sent or failed. At start the record is rebuilt from
 *       {@code opsledger.notifications} ({@code NotificationSent}/{@code NotificationFailed} carry
 *       the trigger id and the channel), so neither a redelivery nor a restart nor a reset consumer
 *       group sends anything twice.
 *   <li>Window mode (chat, webhooks): the same dedupe key ({@code subject|state}) on a channel is
 *       suppressed within a window of its last send.
 *   <li>Change mode (commit statuses): a state is posted only when it differs from the last one
 *       claimed or posted for that subject on that channel.
 * </ul>
 *
 * <p>Invariants: thread-safe; bounded (least recently used entries are forgotten first — a
 * forgotten trigger is older than the notifier's maximum event age in any sane configuration).
 */
public final class SentLedger {

  /** What to do with a notice on a channel. */
  public enum Decision {
    /** Send it; the ledger has claimed it. */
    SEND,
    /** This trigger was already notified (sent, failed or in flight) on this channel. */
    ALREADY_NOTIFIED,
    /** The same subject and state was notified within the window, or the state did not change. */
    DEDUPLICATED
  }

  private final Duration window;
  private final Set<String> done;
  private final Set<String> inFlight = new HashSet<>();
  private final Map<String, Instant> lastAt;
  private final Map<String, String> lastState;

  /**
   * A ledger.
   *
   * @param window the dedupe window of window mode
   * @param capacity how many triggers, keys and subjects it remembers
   */
  public SentLedger(Duration window, int capacity) {
    this.window = window;
    this.done = Collections.newSetFromMap(lru(capacity));
    this.lastAt = lru(capacity);
    this.lastState = lru(capacity);
  }

  /** Decides in window mode, claiming the notice when the answer is {@link Decision#SEND}. */
  public synchronized Decision decideWindow(
      String triggerId, String channel, String dedupeKey, Instant now) {
    String id = id(triggerId, channel);
    if (done.contains(id) || inFlight.contains(id)) {
      return Decision.ALREADY_NOTIFIED;
    }
    Instant last = lastAt.get(channel + "|" + dedupeKey);
    if (last != null && now.isBefore(last.plus(window)) && !now.isBefore(last.minus(window))) {
      return Decision.DEDUPLICATED;
    }
    inFlight.add(id);
    lastAt.put(channel + "|" + dedupeKey, now);
    return Decision.SEND;
  }

  /**
   * Claims a chat digest notice by its id: chat notices are already one per change, so neither the
   * window nor state changes apply, only "once".
   *
   * @return {@code true} when claimed, {@code false} when it was sent, failed or is in flight
   */
  public synchronized boolean claim(String id, String channel) {
    String key = id(id, channel);
    if (done.contains(key) || inFlight.contains(key)) {
      return false;
    }
    inFlight.add(key);
    return true;
  }

  /** Decides in change mode, claiming the notice when the answer is {@link Decision#SEND}. */
  public synchronized Decision decideChange(
      String triggerId, String channel, String subject, String state) {
    String id = id(triggerId, channel);
    if (done.contains(id) || inFlight.contains(id)) {
      return Decision.ALREADY_NOTIFIED;
    }
    if (state.equals(lastState.get(channel + "|" + subject))) {
      return Decision.DEDUPLICATED;
    }
    inFlight.add(id);
    lastState.put(channel + "|" + subject, state);
    return Decision.SEND;
  }

  /** Whether a state is still the newest claimed for the subject on the channel (change mode). */
  public synchronized boolean isCurrent(String channel, String subject, String state) {
    return state.equals(lastState.get(channel + "|" + subject));
  }

  /**
   * Records a notification that was sent, by this process or (from the log) by an earlier one.
   *
   * @param dedupeKey {@code subject|state}, as {@code NotificationSent.dedupeKey}
   */
  public synchronized void sent(String triggerId, String channel, String dedupeKey, Instant at) {
    String id = id(triggerId, channel);
    inFlight.remove(id);
    done.add(id);
    if (dedupeKey == null || dedupeKey.isEmpty()) {
      return;
    }
    lastAt.merge(channel + "|" + dedupeKey, at, (a, b) -> a.isAfter(b) ? a : b);
    int bar = dedupeKey.lastIndexOf('|');
    if (bar > 0) {
      lastState.put(channel + "|" + dedupeKey.substring(0, bar), dedupeKey.substring(bar + 1));
    }
  }

  /**
   * Records a notification this process just delivered. Unlike {@link #sent}, it never moves a
   * subject's last state back: a newer state may have been claimed while this one was in flight (a
   * commit status "success" claimed before "pending" was acknowledged must stay current).
   */
  public synchronized void delivered(
      String triggerId, String channel, String dedupeKey, Instant at) {
    String id = id(triggerId, channel);
    inFlight.remove(id);
    done.add(id);
    if (dedupeKey == null || dedupeKey.isEmpty()) {
      return;
    }
    lastAt.merge(channel + "|" + dedupeKey, at, (a, b) -> a.isAfter(b) ? a : b);
    int bar = dedupeKey.lastIndexOf('|');
    if (bar > 0) {
      lastState.putIfAbsent(
          channel + "|" + dedupeKey.substring(0, bar), dedupeKey.substring(bar + 1));
    }
  }

  /**
   * Records a notification that failed for good: it is never tried again for that trigger, and its
   * claim on the window or state is released so that the next trigger may try.
   */
  public synchronized void failed(String triggerId, String channel, String dedupeKey) {
    String id = id(triggerId, channel);
    inFlight.remove(id);
    done.add(id);
    if (dedupeKey == null) {
      return;
    }
    lastAt.remove(channel + "|" + dedupeKey);
    int bar = dedupeKey.lastIndexOf('|');
    if (bar > 0) {
      lastState.remove(channel + "|" + dedupeKey.substring(0, bar), dedupeKey.substring(bar + 1));
    }
  }

  /** Releases a claim without recording anything (the notice was superseded before sending). */
  public synchronized void release(String triggerId, String channel) {
    inFlight.remove(id(triggerId, channel));
  }

  /** Whether a trigger was notified on a channel (sent or failed). */
  public synchronized boolean notified(String triggerId, String channel) {
    return done.contains(id(triggerId, channel));
  }

  private static String id(String triggerId, String channel) {
    return triggerId + "|" + channel;
  }

  private static <V> Map<String, V> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }
}
