package dev.opsledger.notifier.channel;

import dev.opsledger.notifier.route.Templates;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds channels from their specs, resolving secrets from files or values. */
public final class Channels {

  /** GitHub's public API. */
  public static final String GITHUB_API = "https://api.github.com";

  /** Slack's Web API. */
  public static final String SLACK_API = "https://slack.com/api";

  /** GitLab.com's API. */
  public static final String GITLAB_API = "https://gitlab.com/api/v4";

  private Channels() {}

  /**
   * A channel.
   *
   * @throws IllegalArgumentException with the property at fault (never a secret) when the spec is
   *     incomplete
   */
  public static Channel create(ChannelSpec spec, HttpClient client, Templates templates) {
    String prefix = "opsledger.notifier.channels." + spec.name() + ".";
    SecretValue url = SecretValue.resolve(prefix + "url", spec.url(), spec.urlFile());
    SecretValue token = SecretValue.resolve(prefix + "token", spec.token(), spec.tokenFile());
    SecretValue secret = SecretValue.resolve(prefix + "secret", spec.secret(), spec.secretFile());
    List<SecretValue> secrets = new ArrayList<>();
    secrets.add(url);
    secrets.add(token);
    secrets.add(secret);
    HttpPoster poster =
        new HttpPoster(client, spec.requestTimeout(), new ErrorText(secrets), spec.name());
    String link = spec.linkTemplate() == null ? "" : spec.linkTemplate();
    String type = spec.type() == null ? "" : spec.type().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "slack" -> {
        if (url == null && token != null) {
          if (spec.slackChannel() == null || spec.slackChannel().isBlank()) {
            throw new IllegalArgumentException(
                prefix + "slack-channel is required for a slack channel with a bot token");
          }
          String api = spec.apiUrl() == null || spec.apiUrl().isBlank() ? SLACK_API : spec.apiUrl();
          yield SlackChannel.bot(
              spec.name(), api, token, spec.slackChannel(), poster, templates, link);
        }
        yield new SlackChannel(spec.name(), require(url, prefix + "url"), poster, templates, link);
      }
      case "webhook" ->
          new WebhookChannel(spec.name(), require(url, prefix + "url"), secret, poster);
      case "github", "gitlab" -> {
        if (spec.repository() == null || spec.repository().isBlank()) {
          throw new IllegalArgumentException(prefix + "repository is required for " + type);
        }
        boolean github = type.equals("github");
        String api =
            spec.apiUrl() == null || spec.apiUrl().isBlank()
                ? (github ? GITHUB_API : GITLAB_API)
                : spec.apiUrl();
        yield new CommitStatusChannel(
            spec.name(),
            github ? CommitStatusChannel.Host.GITHUB : CommitStatusChannel.Host.GITLAB,
            api,
            spec.repository(),
            require(token, prefix + "token"),
            spec.context() == null || spec.context().isBlank() ? "opsledger" : spec.context(),
            poster,
            templates,
            link);
      }
      default ->
          throw new IllegalArgumentException(
              prefix + "type must be slack, github, gitlab or webhook, not '" + type + "'");
    };
  }

  /**
   * The pull request comments of a {@code github} or {@code gitlab} channel (same API, token,
   * repository and context as its commit statuses); empty for other types.
   */
  public static java.util.Optional<PullRequestComments> pullRequestComments(
      ChannelSpec spec, HttpClient client) {
    String type = spec.type() == null ? "" : spec.type().toLowerCase(Locale.ROOT);
    if (!type.equals("github") && !type.equals("gitlab")) {
      return java.util.Optional.empty();
    }
    String prefix = "opsledger.notifier.channels." + spec.name() + ".";
    SecretValue token = SecretValue.resolve(prefix + "token", spec.token(), spec.tokenFile());
    HttpPoster poster =
        new HttpPoster(
            client,
            spec.requestTimeout(),
            new ErrorText(new ArrayList<>(java.util.Arrays.asList(token))),
            spec.name());
    boolean github = type.equals("github");
    String api =
        spec.apiUrl() == null || spec.apiUrl().isBlank()
            ? (github ? GITHUB_API : GITLAB_API)
            : spec.apiUrl();
    return java.util.Optional.of(
        new PullRequestComments(
            spec.name(),
            github ? CommitStatusChannel.Host.GITHUB : CommitStatusChannel.Host.GITLAB,
            api,
            spec.repository(),
            require(token, prefix + "token"),
            spec.context() == null || spec.context().isBlank() ? "opsledger" : spec.context(),
            poster));
  }

  private static SecretValue require(SecretValue value, String property) {
    if (value == null) {
      throw new IllegalArgumentException(
          property + " (or " + property + "-file) is required for this channel");
    }
    return value;
  }
}
