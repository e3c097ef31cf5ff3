package dev.opsledger.applier.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The policy of a resource: its source's policy, overridden by annotations on its manifest.
 *
 * <table>
 *   <caption>Annotations</caption>
 *   <tr><td>{@value #SYNC_POLICY}</td><td>{@code manual}, {@code auto} or {@code detect}</td></tr>
 *   <tr><td>{@value #PRUNE}</td><td>{@code "true"} or {@code "false"}</td></tr>
 *   <tr><td>{@value #SELF_HEAL}</td><td>{@code "true"} or {@code "false"}</td></tr>
 *   <tr><td>{@value #DRY_RUN}</td><td>{@code "true"} or {@code "false"}</td></tr>
 *   <tr><td>{@value #FORCE_CONFLICTS}</td><td>{@code "true"} or {@code "false"}</td></tr>
 * </table>
 *
 * Any other value leaves the source's setting in force. {@code detect} makes the resource
 * detect-only (drift reported, never applied or pruned) whatever its source says; {@code manual} or
 * {@code auto} on a resource of a detect-only source lets the applier act on it again, with that
 * sync mode: the resource speaks for itself. The prune guard is a setting of the source only: it is
 * about a whole revision, which no single manifest speaks for (and a revision that empties the
 * source leaves no manifest to carry an annotation).
 */
public final class PolicyResolver {

  /** {@code manual}, {@code auto} or {@code detect}. */
  public static final String SYNC_POLICY = "opsledger.dev/sync-policy";

  /** Whether to prune the resource once Git no longer declares it. */
  public static final String PRUNE = "opsledger.dev/prune";

  /** Whether to revert live edits of the resource. */
  public static final String SELF_HEAL = "opsledger.dev/self-heal";

  /** Whether applies of the resource are dry runs. */
  public static final String DRY_RUN = "opsledger.dev/dry-run";

  /** Whether server-side apply forces conflicts for the resource. */
  public static final String FORCE_CONFLICTS = "opsledger.dev/force-conflicts";

  private final Map<String, SyncPolicy> bySource;
  private final SyncPolicy fallback;
  private final Map<String, SyncWindows> windowsBySource;
  private final SyncWindows fallbackWindows;

  /**
   * A resolver without sync windows.
   *
   * @param bySource policy per source id
   * @param fallback the policy of unlisted sources
   */
  public PolicyResolver(Map<String, SyncPolicy> bySource, SyncPolicy fallback) {
    this(bySource, fallback, Map.of(), SyncWindows.none());
  }

  /**
   * A resolver.
   *
   * @param bySource policy per source id
   * @param fallback the policy of unlisted sources
   * @param windowsBySource sync windows per source id
   * @param fallbackWindows the sync windows of unlisted sources
   */
  public PolicyResolver(
      Map<String, SyncPolicy> bySource,
      SyncPolicy fallback,
      Map<String, SyncWindows> windowsBySource,
      SyncWindows fallbackWindows) {
    this.bySource = Map.copyOf(bySource);
    this.fallback = fallback;
    this.windowsBySource = Map.copyOf(windowsBySource);
    this.fallbackWindows = fallbackWindows;
  }

  /**
   * The sync windows of a source: a setting of the source only, like the prune guard (a window is
   * about when the source may change the system, which no single manifest speaks for).
   *
   * @param sourceId the source, may be {@code null}
   */
  public SyncWindows windows(String sourceId) {
    return sourceId == null
        ? fallbackWindows
        : windowsBySource.getOrDefault(sourceId, fallbackWindows);
  }

  /**
   * The policy of one resource.
   *
   * @param sourceId the source that declares (or declared) it, may be {@code null}
   * @param manifest its newest manifest, or {@code null} when none is known
   */
  public SyncPolicy resolve(String sourceId, JsonNode manifest) {
    SyncPolicy base = sourceId == null ? fallback : bySource.getOrDefault(sourceId, fallback);
    if (manifest == null) {
      return base;
    }
    JsonNode annotations = manifest.path("metadata").path("annotations");
    if (!annotations.isObject()) {
      return base;
    }
    String sync = annotations.path(SYNC_POLICY).asText("");
    boolean manual = "manual".equalsIgnoreCase(sync);
    boolean auto = "auto".equalsIgnoreCase(sync);
    boolean detect = "detect".equalsIgnoreCase(sync);
    boolean autoSync = !manual && (auto || base.autoSync());
    boolean detectOnly = detect || (base.detectOnly() && !manual && !auto);
    return new SyncPolicy(
        autoSync,
        flag(annotations, PRUNE, base.prune()),
        flag(annotations, SELF_HEAL, base.selfHeal()),
        flag(annotations, DRY_RUN, base.dryRun()),
        flag(annotations, FORCE_CONFLICTS, base.forceConflicts()),
        base.pruneGuard(),
        detectOnly);
  }

  private static boolean flag(JsonNode annotations, String name, boolean otherwise) {
    String v = annotations.path(name).asText("");
    if ("true".equalsIgnoreCase(v)) {
      return true;
    }
    if ("false".equalsIgnoreCase(v)) {
      return false;
    }
    return otherwise;
  }
}
