package dev.opsledger.gitwatcher.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.EventJson;
import dev.opsledger.gitwatcher.GitWatcherMetrics;
import dev.opsledger.gitwatcher.GitWatcherProperties;
import dev.opsledger.gitwatcher.source.PreviewSettings;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.watch.FetchScheduler;
import dev.opsledger.gitwatcher.watch.PreviewRequests;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /webhooks/git-watcher/{github|gitlab|bitbucket|generic}[?source=<id>]}.
 *
 * <p>Answers: 202 when fetches were triggered, 200 when the request was valid but concerns no
 * tracked branch (or is a ping), 400 for a body that is not JSON, 401 for a missing or wrong
 * signature, 404 for a receiver that is not started, 413 for a body over the limit.
 */
@RestController
public class WebhookController {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookController.class);

  private final Map<Provider, GitWatcherProperties.Receiver> active = new EnumMap<>(Provider.class);
  private final int maxBodyBytes;
  private final List<SourceSettings> sources;
  private final FetchScheduler scheduler;
  private final GitWatcherMetrics metrics;
  private Map<String, PreviewSettings> previews = Map.of();
  private PreviewRequests previewRequests;
  private FetchTrigger trigger = this::triggerHere;

  /**
   * The receivers.
   *
   * @param webhooks their configuration; a receiver is started when enabled and it has a secret or
   *     is marked insecure
   * @param sources the validated sources
   * @param scheduler triggers fetches
   * @param metrics meters
   */
  public WebhookController(
      GitWatcherProperties.Webhooks webhooks,
      List<SourceSettings> sources,
      FetchScheduler scheduler,
      GitWatcherMetrics metrics) {
    this.maxBodyBytes = webhooks.maxBodyBytes();
    this.sources = List.copyOf(sources);
    this.scheduler = scheduler;
    this.metrics = metrics;
    Map<Provider, GitWatcherProperties.Receiver> all = new LinkedHashMap<>();
    all.put(Provider.GITHUB, webhooks.github());
    all.put(Provider.GITLAB, webhooks.gitlab());
    all.put(Provider.BITBUCKET, webhooks.bitbucket());
    all.put(Provider.GENERIC, webhooks.generic());
    for (var e : all.entrySet()) {
      GitWatcherProperties.Receiver r = e.getValue();
      if (!r.enabled()) {
        continue;
      }
      if (r.hasSecret() || r.insecure()) {
        active.put(e.getKey(), r);
        LOG.info(
            "webhook receiver {} started{}",
            e.getKey().id(),
            r.hasSecret() ? "" : " WITHOUT signature checks (marked insecure)");
      } else {
        LOG.warn(
            "webhook receiver {} is enabled but has no secret: not started (set"
                + " opsledger.git-watcher.webhooks.{}.secret, or .insecure=true on a trusted"
                + " network)",
            e.getKey().id(),
            e.getKey().id());
      }
    }
  }

  /**
   * Also receives pull and merge request events for the sources that preview them: each one
   * triggers a fetch of the source (whose cycle lists the request heads), and a close or merge
   * stops its preview.
   *
   * @return this controller
   */
  public WebhookController previewing(
      Map<String, PreviewSettings> previews, PreviewRequests previewRequests) {
    this.previews = Map.copyOf(previews);
    this.previewRequests = previewRequests;
    return this;
  }

  /**
   * Sends fetch requests to {@code trigger} instead of this replica's scheduler (a standby forwards
   * them to the active replica).
   *
   * @return this controller
   */
  public WebhookController triggering(FetchTrigger trigger) {
    this.trigger = trigger;
    return this;
  }

  /**
   * Asks this replica's scheduler for a fetch, with a pull request's news for the source's next
   * cycle.
   *
   * @return false when this replica does not fetch (stopped or standing by)
   */
  public boolean triggerHere(String sourceId, PreviewRequests.Change change) {
    if (change != null && previewRequests != null) {
      previewRequests.add(sourceId, change);
    }
    FetchScheduler.Trigger t = scheduler.request(sourceId);
    return t != FetchScheduler.Trigger.STOPPED && t != FetchScheduler.Trigger.STANDBY;
  }

  /** Whether a receiver is started. */
  public boolean started(Provider provider) {
    return active.containsKey(provider);
  }

  /** Receives a push. */
  @PostMapping(
      path = "/webhooks/git-watcher/{provider}",
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<String> receive(
      @PathVariable("provider") String providerId,
      @RequestParam(name = "source", required = false) String sourceId,
      HttpServletRequest request)
      throws IOException {
    Provider provider = Provider.of(providerId).orElse(null);
    GitWatcherProperties.Receiver receiver = provider == null ? null : active.get(provider);
    if (receiver == null) {
      metrics.webhook(providerId.length() > 20 ? "unknown" : providerId, "not_started");
      return answer(HttpStatus.NOT_FOUND, "no such webhook receiver is started");
    }
    if (request.getContentLengthLong() > maxBodyBytes) {
      return refuse(
          provider,
          HttpStatus.CONTENT_TOO_LARGE,
          "too_large",
          "body over " + maxBodyBytes + " bytes");
    }
    byte[] body = readLimited(request.getInputStream());
    if (body == null) {
      return refuse(
          provider,
          HttpStatus.CONTENT_TOO_LARGE,
          "too_large",
          "body over " + maxBodyBytes + " bytes");
    }
    if (receiver.hasSecret()) {
      var verdict = WebhookSignatures.verify(provider, receiver.secret(), request::getHeader, body);
      if (verdict != WebhookSignatures.Verdict.VALID) {
        String outcome =
            verdict == WebhookSignatures.Verdict.MISSING ? "missing_signature" : "bad_signature";
        return refuse(
            provider,
            HttpStatus.UNAUTHORIZED,
            outcome,
            "signature " + verdict.name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    if (isPing(provider, request)) {
      metrics.webhook(provider.id(), "ping");
      return answer(HttpStatus.OK, "pong");
    }
    JsonNode json;
    try {
      json = EventJson.mapper().readTree(body);
    } catch (IOException e) {
      return refuse(provider, HttpStatus.BAD_REQUEST, "bad_request", "body is not JSON");
    }
    if (json == null || !json.isObject()) {
      return refuse(provider, HttpStatus.BAD_REQUEST, "bad_request", "body is not a JSON object");
    }
    Optional<PullRequestNotice> pr =
        PullRequestNotice.parse(provider, request.getHeader("X-GitHub-Event"), json);
    if (pr.isPresent()) {
      return pullRequest(provider, pr.get(), sourceId);
    }
    List<String> targets = PushRouting.route(sources, PushNotice.parse(provider, json), sourceId);
    if (targets.isEmpty()) {
      metrics.webhook(provider.id(), "ignored");
      return answer(HttpStatus.OK, "no tracked branch concerned");
    }
    return triggered(provider, targets, null);
  }

  /**
   * Routes a request event as a push of its target branch, to the sources that preview requests;
   * the fetch it triggers lists the heads, so a forged "opened" costs a fetch and nothing else. A
   * close is remembered for the source's next cycle, which writes the one {@code PreviewClosed}.
   */
  private ResponseEntity<String> pullRequest(
      Provider provider, PullRequestNotice notice, String sourceId) {
    List<String> targets =
        PushRouting.route(
                sources,
                new PushNotice(notice.repositoryUrls(), java.util.Set.of(notice.targetBranch())),
                sourceId)
            .stream()
            .filter(id -> previews.getOrDefault(id, PreviewSettings.OFF).enabled())
            .toList();
    if (targets.isEmpty() || previewRequests == null) {
      metrics.webhook(provider.id(), "ignored");
      return answer(HttpStatus.OK, "no previewed source concerned");
    }
    return triggered(
        provider,
        targets,
        new PreviewRequests.Change(notice.number(), notice.open(), notice.merged()));
  }

  /**
   * Triggers a fetch of each target: 202 naming them, or 503 when a fetch could not be handed to
   * the replica that fetches (the Git host may deliver the webhook again).
   */
  private ResponseEntity<String> triggered(
      Provider provider, List<String> targets, PreviewRequests.Change change) {
    for (String id : targets) {
      if (!trigger.trigger(id, change)) {
        metrics.webhook(provider.id(), "unavailable");
        return answer(HttpStatus.SERVICE_UNAVAILABLE, "no replica could take the fetch");
      }
    }
    metrics.webhook(provider.id(), "triggered");
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .contentType(MediaType.APPLICATION_JSON)
        .body(
            EventJson.mapper()
                .createObjectNode()
                .set("triggered", EventJson.mapper().valueToTree(targets))
                .toString());
  }

  private boolean isPing(Provider provider, HttpServletRequest request) {
    return provider == Provider.GITHUB && "ping".equals(request.getHeader("X-GitHub-Event"));
  }

  /** The body, or null when it is longer than the limit (reading stops there). */
  private byte[] readLimited(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) > 0) {
      if (out.size() + n > maxBodyBytes) {
        return null;
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private ResponseEntity<String> refuse(
      Provider provider, HttpStatus status, String outcome, String message) {
    metrics.webhook(provider.id(), outcome);
    return answer(status, message);
  }

  private static ResponseEntity<String> answer(HttpStatus status, String message) {
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_JSON)
        .body(EventJson.mapper().createObjectNode().put("message", message).toString());
  }
}
