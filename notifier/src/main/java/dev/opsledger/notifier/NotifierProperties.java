package dev.opsledger.notifier;

import dev.opsledger.notifier.notice.Severity;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The notifier's configuration ({@code opsledger.notifier.*}). Secrets (webhook URLs, tokens,
 * signing secrets) come from files ({@code url-file}, {@code token-file}, {@code secret-file}) or
 * from values that are usually {@code ${ENVIRONMENT_VARIABLE}} placeholders; they are never
 * printed.
 *
 * @param dedupeWindow The same resource in the same state is notified at most once per channel in
 *     this window.
 * @param maxEventAge Triggers older than this (by their {@code ce_time}) are recorded as
 *     skipped-too-old and never sent, so a fresh notifier pointed at an old log does not flood
 *     anyone; 0 disables the limit.
 * @param connectTimeout How long to wait for a TCP connection to a channel.
 * @param requestTimeout How long one request to a channel may take; per channel overridable.
 * @param retry Delivery retries with exponential backoff.
 * @param rateLimit The default token bucket of every channel; per channel overridable.
 * @param shutdownTimeout At shutdown, how long to wait for notifications in flight; what is still
 *     owed then is recorded as {@code NotificationFailed}.
 * @param capacity How many resources, revisions and sent notifications the notifier remembers.
 * @param historyTimeout How long reading the notifier's history at start may take.
 * @param linkTemplate A link put into messages and commit statuses ({@code {placeholder}}s as in
 *     templates), e.g. {@code https://opsledger.example.com/revisions/{source}/{revision}}; empty
 *     for none. Per channel overridable.
 * @param digest What chat channels get instead of one message per event: one per commit when it
 *     settles, a drift together with its outcome, a failure only when it persists.
 * @param storm Storm protection of chat channels: notices over the limit are folded into one
 *     summary (each recorded as {@code NotificationFolded}).
 * @param channels The channels by name.
 * @param routes Routing rules; a notice goes to the channels of every rule it matches. With no
 *     rules, every channel receives every notice kind it can carry.
 * @param templates Message templates by notice kind ({@code drift-detected}, {@code converged},
 *     {@code apply-failed}, {@code commit-rejected}, {@code approval-needed}, {@code
 *     commit-status}, {@code prune-held}, {@code fields-conflicted}).
 * @param replicas Several notifiers on one log (see {@link Replicas}).
 */
@Validated
@ConfigurationProperties("opsledger.notifier")
public record NotifierProperties(
    @DefaultValue("5m") @NotNull Duration dedupeWindow,
    @DefaultValue("1h") @NotNull Duration maxEventAge,
    @DefaultValue("5s") @NotNull Duration connectTimeout,
    @DefaultValue("10s") @NotNull Duration requestTimeout,
    @DefaultValue @Valid @NotNull Retry retry,
    @DefaultValue @Valid @NotNull RateLimit rateLimit,
    @DefaultValue("10s") @NotNull Duration shutdownTimeout,
    @DefaultValue("100000") @Min(100) int capacity,
    @DefaultValue("60s") @NotNull Duration historyTimeout,
    @DefaultValue("") String linkTemplate,
    @DefaultValue @Valid @NotNull Digest digest,
    @DefaultValue @Valid @NotNull Storm storm,
    @DefaultValue @Valid Map<String, Channel> channels,
    @DefaultValue @Valid List<Route> routes,
    @DefaultValue Map<String, Template> templates,
    @DefaultValue @Valid @NotNull Replicas replicas) {

  /** Copies the channels (in order), routes and templates. */
  public NotifierProperties {
    channels = Collections.unmodifiableMap(new LinkedHashMap<>(channels));
    routes = List.copyOf(routes);
    templates = Collections.unmodifiableMap(new LinkedHashMap<>(templates));
  }

  /**
   * Several notifier replicas that together send what one sends. Every replica of a deployment sets
   * {@code enabled}; a single notifier leaves it off.
   *
   * @param enabled Every replica reads every partition of the trigger topics and of the
   *     notifications (a consumer of its own, no group); a per-event notice (webhook) is sent by
   *     the replica the shared group gives the record's partition, commit statuses and chat
   *     messages by the coordinator (the replica the group {@code <group>-lease} gives partition 0
   *     of {@code opsledger.commits}).
   * @param id This replica's id, in client ids and log lines; empty: the host name and the process
   *     id.
   * @param leaseTimeout How long a replica that died stays the coordinator (the lease group's
   *     session timeout); one that stops hands over at once.
   */
  public record Replicas(
      @DefaultValue("false") boolean enabled,
      @DefaultValue("") String id,
      @DefaultValue("10s") @NotNull Duration leaseTimeout) {

    /** The id, or the host name and process id when none is set. */
    public String resolvedId() {
      if (id != null && !id.isBlank()) {
        return id;
      }
      String host;
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "notifier";
      }
      return host + "-" + ProcessHandle.current().pid();
    }
  }

  /**
   * Delivery retries.
   *
   * @param maxAttempts Attempts in all, the first included; 0 (the default) counts none and lets
   *     {@code giveUpAfter} decide.
   * @param initialBackoff The delay before the second attempt.
   * @param multiplier How much each further delay grows.
   * @param maxBackoff The longest delay between attempts (also caps a server's Retry-After).
   * @param giveUpAfter How long a notice that keeps failing is retried, from its first failed
   *     attempt, before it is recorded as {@code NotificationFailed}. An hour rides out an outage
   *     of the receiver; five attempts a second apart (the old default) did not.
   */
  public record Retry(
      @DefaultValue("0") @Min(0) int maxAttempts,
      @DefaultValue("1s") @NotNull Duration initialBackoff,
      @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
      @DefaultValue("1m") @NotNull Duration maxBackoff,
      @DefaultValue("1h") @NotNull Duration giveUpAfter) {}

  /**
   * The chat digest.
   *
   * @param settleQuiet A commit is summarised once every resource it declared has settled and
   *     nothing about it happened for this long (its events arrive on several topics).
   * @param settleTimeout A commit whose resources have not all settled after this long is
   *     summarised anyway, saying what has not settled.
   * @param driftHold A Slack incoming webhook holds a drift this long for its outcome, so that a
   *     drift that self-heal reverts (and any flapping in the hold) is one message; a drift still
   *     there is reported then, and its end when it ends.
   * @param grace A retryable apply failure that resolves within this long sends nothing.
   * @param graceAttempts A retryable apply failure that resolves within this many attempts sends
   *     nothing.
   * @param firstDiffs How many per-resource diffs a commit summary shows.
   * @param tick How often the notifier looks for commits that settled and holds that are over.
   */
  public record Digest(
      @DefaultValue("2s") @NotNull Duration settleQuiet,
      @DefaultValue("15m") @NotNull Duration settleTimeout,
      @DefaultValue("10s") @NotNull Duration driftHold,
      @DefaultValue("30s") @NotNull Duration grace,
      @DefaultValue("3") @Min(1) int graceAttempts,
      @DefaultValue("3") @Min(0) int firstDiffs,
      @DefaultValue("250ms") @NotNull Duration tick) {}

  /**
   * Storm protection.
   *
   * @param maxNotices How many notices one chat channel sends within a window; the rest are folded
   *     into one summary with counts, sent when the window is over.
   * @param window The window.
   */
  public record Storm(
      @DefaultValue("10") @Min(1) int maxNotices, @DefaultValue("1m") @NotNull Duration window) {}

  /**
   * A token bucket.
   *
   * @param burst How many notifications may go out at once.
   * @param perSecond How many notifications per second the bucket refills (Slack allows about 1).
   */
  public record RateLimit(
      @DefaultValue("5") @Min(1) int burst,
      @DefaultValue("1.0") @DecimalMin(value = "0.0", inclusive = false) double perSecond) {}

  /**
   * One channel.
   *
   * @param type {@code slack}, {@code github}, {@code gitlab} or {@code webhook}.
   * @param url The webhook URL (Slack, webhook); prefer {@code url-file} or an environment
   *     placeholder.
   * @param urlFile A file holding the webhook URL.
   * @param token The API token (GitHub, GitLab), or a Slack bot token (with {@code slack-channel},
   *     instead of {@code url}); prefer {@code token-file} or an environment placeholder.
   * @param tokenFile A file holding the API token.
   * @param secret The HMAC-SHA256 signing secret of a webhook; prefer {@code secret-file}.
   * @param secretFile A file holding the signing secret.
   * @param apiUrl The API base URL (GitHub Enterprise, self-managed GitLab); empty for {@code
   *     https://api.github.com}, {@code https://gitlab.com/api/v4} or {@code
   *     https://slack.com/api}.
   * @param repository {@code owner/repo} (GitHub) or the project id or path (GitLab).
   * @param context The commit status context (GitHub) or name (GitLab).
   * @param linkTemplate The link of this channel; empty uses {@code
   *     opsledger.notifier.link-template}.
   * @param requestTimeout The request timeout of this channel; unset uses {@code
   *     opsledger.notifier.request-timeout}.
   * @param burst The token bucket burst of this channel; unset uses the default.
   * @param perSecond The token bucket refill per second of this channel; unset uses the default.
   * @param slackChannel The Slack conversation (e.g. {@code C0123456789}) a Slack channel with a
   *     bot token ({@code token}, {@code chat:write}) posts to; with a bot token, drift messages
   *     are posted at once and updated in place.
   */
  public record Channel(
      @DefaultValue("slack") @NotNull String type,
      String url,
      Path urlFile,
      String token,
      Path tokenFile,
      String secret,
      Path secretFile,
      @DefaultValue("") String apiUrl,
      @DefaultValue("") String repository,
      @DefaultValue("opsledger") String context,
      @DefaultValue("") String linkTemplate,
      Duration requestTimeout,
      Integer burst,
      Double perSecond,
      @DefaultValue("") String slackChannel) {

    /** Never print secrets. */
    @Override
    public String toString() {
      return "Channel[type=" + type + ", repository=" + repository + "]";
    }
  }

  /**
   * A routing rule; every criterion given must match, an empty one matches all.
   *
   * @param events Notice kinds ({@code drift-detected}) or trigger {@code ce_type}s.
   * @param sources Source ids; {@code *} is a wildcard.
   * @param targets Resource targets (cluster or account:region); {@code *} is a wildcard.
   * @param minSeverity The lowest severity that matches: {@code info}, {@code warning}, {@code
   *     error}.
   * @param channels The channels matching notices go to.
   */
  public record Route(
      @DefaultValue List<String> events,
      @DefaultValue List<String> sources,
      @DefaultValue List<String> targets,
      @DefaultValue("info") @NotNull Severity minSeverity,
      @DefaultValue List<String> channels) {}

  /**
   * A message template override.
   *
   * @param title The title (Slack header); empty keeps the built-in one.
   * @param text The text (Slack body, commit status description); empty keeps the built-in one.
   */
  public record Template(@DefaultValue("") String title, @DefaultValue("") String text) {}
}
