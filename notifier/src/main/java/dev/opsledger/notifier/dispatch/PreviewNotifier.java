package dev.opsledger.notifier.dispatch;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.PreviewChangeKind;
import dev.opsledger.events.PreviewClosed;
import dev.opsledger.events.PreviewDiffed;
import dev.opsledger.events.PreviewRejected;
import dev.opsledger.notifier.channel.DeliveryException;
import dev.opsledger.notifier.channel.PullRequestComments;
import dev.opsledger.notifier.notice.CommitState;
import dev.opsledger.notifier.notice.PreviewComment;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one comment per pull request up to date from {@code opsledger.previews}: a {@code
 * PreviewDiffed} or {@code PreviewRejected} creates OpsLedger's comment, or edits it in place, and
 * posts the preview's commit status on the head; a {@code PreviewClosed} marks the comment closed,
 * after which only a newer render (a reopened request) edits it again.
 *
 * <p>Idempotent and replay-safe: the comment is found by its hidden marker (so a restart edits the
 * same comment), and its marker's time says which preview it shows: an older event (a replay)
 * changes nothing and posts no status; the same event redelivered edits nothing and posts the same
 * status again.
 */
public final class PreviewNotifier {

  private static final Logger LOG = LoggerFactory.getLogger(PreviewNotifier.class);

  private final List<PullRequestComments> channels;
  private final BiPredicate<String, String> routed;
  private final MeterRegistry meters;

  /**
   * The notifier of previews.
   *
   * @param channels the pull request comments of every GitHub and GitLab channel
   * @param routed whether (channel name, source id) is routed
   * @param meters counts outcomes
   */
  public PreviewNotifier(
      List<PullRequestComments> channels,
      BiPredicate<String, String> routed,
      MeterRegistry meters) {
    this.channels = List.copyOf(channels);
    this.routed = routed;
    this.meters = meters;
  }

  /**
   * Handles one preview event.
   *
   * @throws PreviewDeliveryException when a host failed transiently: the consumer retries the
   *     record (a terminal refusal is logged and counted, not retried)
   */
  public void accept(EventEnvelope<?> envelope) {
    Object data = envelope.data();
    for (PullRequestComments c : channels) {
      try {
        if (data instanceof PreviewDiffed d && concerns(c, d.provider(), d.sourceId())) {
          boolean failed =
              d.changes().stream().anyMatch(x -> x.change() == PreviewChangeKind.FAILED);
          show(
              c,
              d.sourceId(),
              d.number(),
              d.renderedAt(),
              PreviewComment.diffed(d),
              d.headSha(),
              failed ? CommitState.FAILURE : CommitState.SUCCESS,
              PreviewComment.summary(d));
        } else if (data instanceof PreviewRejected r && concerns(c, r.provider(), r.sourceId())) {
          show(
              c,
              r.sourceId(),
              r.number(),
              r.renderedAt(),
              PreviewComment.rejected(r),
              r.headSha(),
              CommitState.FAILURE,
              "the manifests do not validate: " + r.errors().size() + " error(s)");
        } else if (data instanceof PreviewClosed x && concerns(c, x.provider(), x.sourceId())) {
          close(c, x);
        }
      } catch (DeliveryException.Retryable e) {
        count(c, "retryable");
        throw new PreviewDeliveryException(e.getMessage());
      } catch (DeliveryException e) {
        count(c, "failed");
        LOG.warn("preview of {}: {}", envelope.data().subject(), e.getMessage());
      }
    }
  }

  private boolean concerns(PullRequestComments c, String provider, String sourceId) {
    return c.provider().equals(provider) && routed.test(c.name(), sourceId);
  }

  private void show(
      PullRequestComments c,
      String sourceId,
      long number,
      Instant at,
      String body,
      String head,
      CommitState state,
      String description)
      throws DeliveryException {
    Optional<PullRequestComments.Comment> existing = c.find(sourceId, number);
    if (existing.isEmpty()) {
      c.create(number, body);
      count(c, "created");
    } else {
      var marker = PreviewComment.markerOf(existing.get().body()).orElseThrow();
      if (!marker.acceptsContentOf(at) || (marker.closed() && !at.isAfter(marker.at()))) {
        count(c, "older");
        return;
      }
      if (!existing.get().body().equals(body)) {
        c.edit(number, existing.get().id(), body);
      }
      count(c, "updated");
    }
    c.status(head, state, description);
  }

  private void close(PullRequestComments c, PreviewClosed x) throws DeliveryException {
    Optional<PullRequestComments.Comment> existing = c.find(x.sourceId(), x.number());
    if (existing.isEmpty()) {
      return;
    }
    var marker = PreviewComment.markerOf(existing.get().body()).orElseThrow();
    if (marker.closed() || !marker.acceptsContentOf(x.closedAt())) {
      return;
    }
    c.edit(x.number(), existing.get().id(), PreviewComment.closed(x, existing.get().body()));
    count(c, "closed");
  }

  private void count(PullRequestComments c, String outcome) {
    meters
        .counter("opsledger.notifier.previews", "channel", c.name(), "outcome", outcome)
        .increment();
  }

  /** A host failed transiently: the record is retried with the consumers' backoff. */
  public static final class PreviewDeliveryException extends RuntimeException {
    PreviewDeliveryException(String message) {
      super(message, null, false, false);
    }
  }
}
