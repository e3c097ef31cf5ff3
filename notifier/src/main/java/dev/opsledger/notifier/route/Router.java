package dev.opsledger.notifier.route;

import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.NoticeKind;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which channels a notice goes to. A channel only ever receives the kinds it can carry (a
 * commit status channel only {@link NoticeKind#COMMIT_STATUS}, a chat channel every other kind).
 * With no rules, every channel gets every kind it can carry that is {@linkplain
 * NoticeKind#routedByDefault() routed by default}; with rules, a notice goes to the union of the
 * channels of every rule it matches.
 */
public final class Router {

  private final List<RouteRule> rules;
  private final Map<String, Set<NoticeKind>> supported;

  /**
   * A router.
   *
   * @param rules the rules, in configuration order
   * @param supported per channel name, the kinds that channel can carry
   */
  public Router(List<RouteRule> rules, Map<String, Set<NoticeKind>> supported) {
    this.rules = List.copyOf(rules);
    this.supported = Map.copyOf(supported);
    for (RouteRule rule : this.rules) {
      for (String channel : rule.channels()) {
        if (!this.supported.containsKey(channel)) {
          throw new IllegalArgumentException(
              "a route names the channel '" + channel + "', which is not configured");
        }
      }
    }
  }

  /** The channels a notice goes to, in a stable order; empty when none. */
  public Set<String> route(Notice notice) {
    Set<String> out = new LinkedHashSet<>();
    if (rules.isEmpty()) {
      if (notice.kind().routedByDefault()) {
        supported.keySet().stream().sorted().forEach(out::add);
      }
    } else {
      for (RouteRule rule : rules) {
        if (rule.matches(notice)) {
          out.addAll(rule.channels());
        }
      }
    }
    out.removeIf(channel -> !supported.get(channel).contains(notice.kind()));
    return out;
  }
}
