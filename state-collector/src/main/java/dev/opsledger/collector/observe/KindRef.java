package dev.opsledger.collector.observe;

import java.util.Objects;

/**
 * A kind as a manifest names it: {@code apiVersion} (e.g. {@code apps/v1}, {@code v1}) and {@code
 * kind}.
 *
 * @param apiVersion the API version, {@code group/version} or {@code version} for the core group
 * @param kind the kind
 */
public record KindRef(String apiVersion, String kind) {

  /** Checks both parts are present. */
  public KindRef {
    if (apiVersion == null || apiVersion.isBlank()) {
      throw new IllegalArgumentException("apiVersion is missing");
    }
    if (kind == null || kind.isBlank()) {
      throw new IllegalArgumentException("kind is missing");
    }
  }

  /** The API group, empty for the core group. */
  public String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** The version, e.g. {@code v1}. */
  public String version() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
  }

  /** Whether {@code group} and {@code kind} name this kind (in any version). */
  public boolean sameKind(String group, String otherKind) {
    return Objects.equals(group(), group) && kind.equals(otherKind);
  }

  @Override
  public String toString() {
    return kind + "." + apiVersion;
  }
}
