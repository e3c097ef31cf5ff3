package dev.opsledger.gitwatcher.source;

import dev.opsledger.gitwatcher.GitWatcherProperties;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether and how a source's pull requests are previewed: the host's name for them and where their
 * heads live. Pure.
 *
 * @param provider {@code github} or {@code gitlab}; empty when previews are off
 * @param maxAge a polled head older than this is not previewed
 */
public record PreviewSettings(String provider, Duration maxAge) {

  /** Previews off. */
  public static final PreviewSettings OFF = new PreviewSettings("", Duration.ZERO);

  /** The hosts whose pull request refs and APIs OpsLedger knows. */
  public static final Set<String> PROVIDERS = Set.of("github", "gitlab");

  /** Whether the source's requests are previewed. */
  public boolean enabled() {
    return !provider.isEmpty();
  }

  /**
   * Where the host keeps request heads: {@code refs/pull/N/head} or {@code
   * refs/merge-requests/N/head}.
   */
  public String refPrefix() {
    return "gitlab".equals(provider) ? "refs/merge-requests/" : "refs/pull/";
  }

  /** The settings of a configured source (assumed valid: see {@link #problem}). */
  public static PreviewSettings of(GitWatcherProperties.Source source) {
    GitWatcherProperties.Previews p = source.previews();
    String provider = provider(source.url(), p).orElse("");
    boolean on = p == null || p.enabled() == null ? !provider.isEmpty() : p.enabled();
    Duration maxAge = p == null || p.maxAge() == null ? Duration.ofDays(14) : p.maxAge();
    return on && !provider.isEmpty() ? new PreviewSettings(provider, maxAge) : OFF;
  }

  /** What is wrong with a source's preview settings, if anything. */
  public static Optional<String> problem(String name, GitWatcherProperties.Source source) {
    GitWatcherProperties.Previews p = source.previews();
    if (p == null) {
      return Optional.empty();
    }
    if (p.provider() != null
        && !p.provider().isBlank()
        && !PROVIDERS.contains(p.provider().trim().toLowerCase(Locale.ROOT))) {
      return Optional.of(
          name + ".previews.provider must be github or gitlab, got '" + p.provider() + "'");
    }
    if (Boolean.TRUE.equals(p.enabled()) && provider(source.url(), p).isEmpty()) {
      return Optional.of(
          name
              + ".previews.enabled needs previews.provider (github or gitlab): the host cannot be"
              + " told from the URL");
    }
    if (p.maxAge() != null && p.maxAge().isNegative()) {
      return Optional.of(name + ".previews.max-age must not be negative");
    }
    return Optional.empty();
  }

  private static Optional<String> provider(String url, GitWatcherProperties.Previews p) {
    if (p != null && p.provider() != null && !p.provider().isBlank()) {
      return Optional.of(p.provider().trim().toLowerCase(Locale.ROOT));
    }
    String u = url == null ? "" : url.toLowerCase(Locale.ROOT);
    if (u.contains("github.com")) {
      return Optional.of("github");
    }
    if (u.contains("gitlab")) {
      return Optional.of("gitlab");
    }
    return Optional.empty();
  }
}
