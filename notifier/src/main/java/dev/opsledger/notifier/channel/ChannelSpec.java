package dev.opsledger.notifier.channel;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What it takes to build one channel; the configuration layer fills it.
 *
 * @param name the channel's name
 * @param type {@code slack}, {@code github}, {@code gitlab} or {@code webhook}
 * @param url the webhook URL (Slack, webhook), or {@code null}
 * @param urlFile a file holding the URL, or {@code null}
 * @param token the API token (GitHub, GitLab), or {@code null}
 * @param tokenFile a file holding the token, or {@code null}
 * @param secret the HMAC signing secret (webhook), or {@code null}
 * @param secretFile a file holding the signing secret, or {@code null}
 * @param apiUrl the API base URL (GitHub, GitLab), or {@code null} for the public service
 * @param repository {@code owner/repo} (GitHub) or project id or path (GitLab)
 * @param context the commit status context (GitHub) or name (GitLab)
 * @param linkTemplate the link put into messages and statuses ({@code {placeholder}}s), or empty
 * @param requestTimeout how long one request may take
 * @param slackChannel the Slack conversation a bot token posts to ({@code C0123…}), or empty
 */
public record ChannelSpec(
    String name,
    String type,
    String url,
    Path urlFile,
    String token,
    Path tokenFile,
    String secret,
    Path secretFile,
    String apiUrl,
    String repository,
    String context,
    String linkTemplate,
    Duration requestTimeout,
    String slackChannel) {

  /** Never print secrets. */
  @Override
  public String toString() {
    return "ChannelSpec[name=" + name + ", type=" + type + ", repository=" + repository + "]";
  }
}
