package dev.opsledger.gitwatcher.webhook;

import java.util.Locale;
import java.util.Optional;

/** The webhook receivers, by path segment. */
public enum Provider {
  /** GitHub: {@code X-Hub-Signature-256: sha256=<hex>}. */
  GITHUB,
  /** GitLab: {@code X-Gitlab-Token: <secret>}. */
  GITLAB,
  /** Bitbucket: {@code X-Hub-Signature: sha256=<hex>}. */
  BITBUCKET,
  /** Anything else: {@code X-OpsLedger-Signature: sha256=<hex>}. */
  GENERIC;

  /** The path segment and metric tag. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The provider of a path segment. */
  public static Optional<Provider> of(String id) {
    for (Provider p : values()) {
      if (p.id().equals(id)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
