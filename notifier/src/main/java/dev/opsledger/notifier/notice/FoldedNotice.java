package dev.opsledger.notifier.notice;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

/** The one message that stands for the chat notices a channel's storm limit folded. */
public final class FoldedNotice {

  private FoldedNotice() {}

  /**
   * The summary of one window.
   *
   * @param channel the channel whose notices were folded
   * @param windowStart when the window began
   * @param window its length
   * @param byKind how many were folded, per notice kind
   * @param last the last folded notice, whose trigger the summary is recorded against
   */
  public static Notice of(
      String channel,
      Instant windowStart,
      Duration window,
      Map<String, Integer> byKind,
      Notice last) {
    int total = byKind.values().stream().mapToInt(Integer::intValue).sum();
    Map<String, String> v = Notices.commonValues(last.trigger(), "", "");
    String counts =
        byKind.entrySet().stream()
            .map(e -> e.getValue() + " " + e.getKey())
            .collect(Collectors.joining(", "));
    v.put("kind", NoticeKind.NOTICES_FOLDED.label());
    v.put("severity", Severity.WARNING.label());
    v.put("state", "folded");
    v.put("resource", "");
    v.put("shortName", channel);
    v.put("channel", channel);
    v.put("count", Integer.toString(total));
    v.put("counts", counts);
    v.put("window", Durations.human(window));
    v.put("windowStart", windowStart.toString());
    return new Notice(
        NoticeKind.NOTICES_FOLDED,
        Severity.WARNING,
        channel,
        "",
        "",
        "",
        "folded",
        v,
        null,
        last.trigger(),
        "folded:" + channel + ":" + windowStart.toEpochMilli(),
        Audience.CHAT,
        null);
  }
}
