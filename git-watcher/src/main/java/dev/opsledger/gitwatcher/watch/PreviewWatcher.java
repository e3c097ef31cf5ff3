package dev.opsledger.gitwatcher.watch;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.PreviewClosed;
import dev.opsledger.events.PreviewRejected;
import dev.opsledger.events.PreviewRendered;
import dev.opsledger.gitwatcher.git.GitMirror;
import dev.opsledger.gitwatcher.source.PreviewSettings;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.service.core.EventSink;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source's pull request previews, run at the end of each of its cycles: lists the request heads
 * ({@code refs/pull/N/head} or {@code refs/merge-requests/N/head}, fetched like the branch),
 * renders each new head with the source's pipeline and writes {@link PreviewRendered} or {@link
 * PreviewRejected} to {@code opsledger.previews}; a request a webhook closed (or whose ref is gone)
 * gets one {@link PreviewClosed} and is previewed no more. Writes nothing else: a preview never
 * reaches {@code opsledger.desired} or {@code opsledger.commits}.
 *
 * <p>Idempotent across restarts: the heads already previewed and the requests closed are read back
 * from the log ({@link PreviewHistory}) before the first listing, and event ids derive from
 * (source, request, head), so a head previewed again after a crash has the same id.
 */
public final class PreviewWatcher {

  private static final Logger LOG = LoggerFactory.getLogger(PreviewWatcher.class);

  private final SourceSettings source;
  private final PreviewSettings settings;
  private final GitMirror mirror;
  private final EventSink sink;
  private final PreviewHistory.Reader history;
  private final PreviewRequests requests;
  private final Clock clock;

  private Map<Long, String> previewed;
  private Set<Long> closed;
  private final Set<Long> announced = new HashSet<>();
  private final Map<Long, String> tooOld = new HashMap<>();

  /**
   * The previews of one source.
   *
   * @param source the source
   * @param settings its preview settings (enabled)
   * @param mirror its clone
   * @param sink publishes to {@code opsledger.previews}
   * @param history reads what was previewed before a restart
   * @param requests what webhooks said
   * @param clock stamps renders and closes
   */
  public PreviewWatcher(
      SourceSettings source,
      PreviewSettings settings,
      GitMirror mirror,
      EventSink sink,
      PreviewHistory.Reader history,
      PreviewRequests requests,
      Clock clock) {
    this.source = source;
    this.settings = settings;
    this.mirror = mirror;
    this.sink = sink;
    this.history = history;
    this.requests = requests;
    this.clock = clock;
  }

  /**
   * Makes the next pass read what was previewed from {@code opsledger.previews} again, as at start
   * (another replica may have previewed meanwhile). Called on the cycle's thread.
   */
  void resumeFromLog() {
    previewed = null;
    closed = null;
  }

  /**
   * One pass: webhook news, the listing of request heads, a preview of each new head.
   *
   * @param renderer renders a head against the source's last good revision
   * @return how many heads were previewed
   */
  public int run(Function<String, PreviewRender> renderer) {
    if (previewed == null) {
      PreviewHistory h = history.read(source.id());
      previewed = new HashMap<>(h.previewed());
      closed = new HashSet<>(h.closed());
    }
    applyWebhookNews();
    SortedMap<Long, String> heads = mirror.fetchPullRequests(settings.refPrefix());
    for (Long gone : List.copyOf(previewed.keySet())) {
      if (!heads.containsKey(gone) && !closed.contains(gone)) {
        close(gone, false);
      }
    }
    int count = 0;
    for (var e : heads.entrySet()) {
      long number = e.getKey();
      String head = e.getValue();
      if (closed.contains(number) || head.equals(previewed.get(number))) {
        continue;
      }
      if (!announced.remove(number) && isTooOld(number, head)) {
        continue;
      }
      preview(number, head, renderer);
      count++;
    }
    return count;
  }

  private void applyWebhookNews() {
    for (PreviewRequests.Change c : requests.drain(source.id())) {
      if (c.open()) {
        // A reopened request is previewed again, from its current head.
        if (closed.remove(c.number())) {
          previewed.remove(c.number());
        }
        announced.add(c.number());
      } else if (!closed.contains(c.number())) {
        close(c.number(), c.merged());
      }
    }
  }

  /**
   * GitHub keeps the head ref of every closed request: without a webhook, only heads committed
   * within {@code max-age} are taken as open requests (remembered, so each is read once).
   */
  private boolean isTooOld(long number, String head) {
    if (head.equals(tooOld.get(number))) {
      return true;
    }
    Instant committed = mirror.describe(head).committedAt();
    if (committed != null && committed.isBefore(clock.instant().minus(settings.maxAge()))) {
      tooOld.put(number, head);
      return true;
    }
    return false;
  }

  private void preview(long number, String head, Function<String, PreviewRender> renderer) {
    PreviewRender render = renderer.apply(head);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    OpsLedgerEvent event;
    if (render instanceof PreviewRender.Accepted a) {
      event =
          new PreviewRendered(
              source.id(),
              source.displayUrl(),
              settings.provider(),
              number,
              head,
              a.baseRevision(),
              now,
              a.changed(),
              a.removed());
      LOG.info(
          "source {}: previewed request #{} at {} ({} changed, {} removed)",
          source.id(),
          number,
          head,
          a.changed().size(),
          a.removed().size());
    } else {
      PreviewRender.Rejected r = (PreviewRender.Rejected) render;
      event =
          new PreviewRejected(
              source.id(), source.displayUrl(), settings.provider(), number, head, now, r.errors());
      LOG.warn(
          "source {}: request #{} at {} does not validate ({} error(s))",
          source.id(),
          number,
          head,
          r.errors().size());
    }
    sink.sendAndWait(List.of(envelope(id(number, head, "preview"), head, event)));
    previewed.put(number, head);
  }

  private void close(long number, boolean merged) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String head = previewed.getOrDefault(number, "");
    sink.sendAndWait(
        List.of(
            envelope(
                id(number, head, "closed|" + now.toEpochMilli()),
                head,
                new PreviewClosed(
                    source.id(), source.displayUrl(), settings.provider(), number, merged, now))));
    closed.add(number);
    LOG.info(
        "source {}: request #{} {}, its preview stops",
        source.id(),
        number,
        merged ? "merged" : "closed");
  }

  private String id(long number, String head, String type) {
    String seed = source.id() + "|pr|" + number + "|" + head + "|" + type;
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private EventEnvelope<OpsLedgerEvent> envelope(String id, String head, OpsLedgerEvent data) {
    return new EventEnvelope<>(
        id,
        SourceWatcher.EVENT_SOURCE,
        clock.instant().truncatedTo(ChronoUnit.MILLIS),
        head,
        "",
        "",
        data);
  }
}
