package dev.opsledger.applier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.ResourceKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What a write needs to exist first, when Git declares it too: the Namespace of a namespaced object
 * and the CustomResourceDefinition of a custom kind. Their diffs arrive on other partitions than
 * the objects', so without this an object was tried before its namespace, failed ({@code
 * NamespaceMissing}) and waited out a backoff: a first sync of 1,001 ConfigMaps in a new namespace
 * logged 1,961 such failures (issue 17, point 3). With it, the object waits, without an attempt,
 * until the prerequisite is applied or found in sync, and is woken by that at once.
 *
 * <p>A prerequisite Git does not declare is not waited for (it is out of band: the applier's own
 * check of the namespace, and its retries, handle it). Pure of clients; thread-safe.
 */
public final class Prerequisites {

  private final Map<String, ResourceKey> crdOfKind = new ConcurrentHashMap<>();

  /** Records a declaration: a CustomResourceDefinition names the kind it serves. */
  public void noteDesired(ResourceKey key, DesiredView view) {
    if (!isCrd(key)) {
      return;
    }
    JsonNode spec = view == null || view.manifest() == null ? null : view.manifest().path("spec");
    if (spec == null) {
      return;
    }
    String served =
        kindKey(
            key.target(), spec.path("group").asText(), spec.path("names").path("kind").asText());
    if (view.removed()) {
      crdOfKind.remove(served, key);
    } else {
      crdOfKind.put(served, key);
    }
  }

  /**
   * The declared prerequisite of a resource that is neither applied nor found in sync yet, or
   * {@code null} when the resource may be written now.
   *
   * @param desired what the log declares, with what was applied
   * @param inSync whether a resource's latest diff says it is in sync (it exists as declared)
   */
  public ResourceKey pendingFor(
      ResourceKey key, DesiredBook desired, Predicate<ResourceKey> inSync) {
    ResourceKey crd = crdOfKind.get(kindKey(key.target(), key.apiGroup(), key.kind()));
    if (crd != null && !crd.equals(key) && pending(crd, desired, inSync)) {
      return crd;
    }
    if (key.namespace().isEmpty() || key.aws()) {
      return null;
    }
    ResourceKey namespace = namespaceOf(key);
    return pending(namespace, desired, inSync) ? namespace : null;
  }

  /** Whether a resource is the prerequisite of others (a Namespace or a CRD). */
  public static boolean isPrerequisite(ResourceKey key) {
    return isNamespace(key) || isCrd(key);
  }

  /** The resources waiting on {@code prerequisite} may be: this tells which they are. */
  public Predicate<ResourceKey> waitingOn(ResourceKey prerequisite) {
    if (isNamespace(prerequisite)) {
      return k ->
          k.target().equals(prerequisite.target()) && prerequisite.name().equals(k.namespace());
    }
    return k -> prerequisite.equals(crdOfKind.get(kindKey(k.target(), k.apiGroup(), k.kind())));
  }

  private static boolean pending(
      ResourceKey prerequisite, DesiredBook desired, Predicate<ResourceKey> inSync) {
    DesiredView view = desired.view(prerequisite);
    return view != null
        && !view.removed()
        && view.lastApplied() == null
        && !inSync.test(prerequisite);
  }

  private static ResourceKey namespaceOf(ResourceKey key) {
    return ResourceKey.of(key.target(), "", "Namespace", "", key.namespace());
  }

  private static boolean isNamespace(ResourceKey key) {
    return "Namespace".equals(key.kind()) && key.coreGroup() && key.namespace().isEmpty();
  }

  private static boolean isCrd(ResourceKey key) {
    return "CustomResourceDefinition".equals(key.kind())
        && "apiextensions.k8s.io".equals(key.apiGroup());
  }

  private static String kindKey(String target, String group, String kind) {
    return target + "|" + group + "|" + kind;
  }
}
