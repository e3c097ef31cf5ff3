package dev.opsledger.collector.desired;

import dev.opsledger.collector.observe.KindRef;
import dev.opsledger.events.ResourceKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per target: the kinds ever declared, and the resources declared now. Thread-safe: written by the
 * desired consumer, read by the collectors.
 */
public final class DeclaredResources {

  private final Map<String, Set<KindRef>> kinds = new ConcurrentHashMap<>();
  private final Map<ResourceKey, KindRef> declared = new ConcurrentHashMap<>();

  /** Declared keys by their key without namespace: the object they name if the kind has none. */
  private final Map<ResourceKey, Set<ResourceKey>> byClusterKey = new ConcurrentHashMap<>();

  /** Records that {@code key} is declared with {@code kind}. */
  public DesiredUpdate declare(ResourceKey key, KindRef kind) {
    boolean newKind =
        kinds.computeIfAbsent(key.target(), t -> ConcurrentHashMap.newKeySet()).add(kind);
    byClusterKey.computeIfAbsent(clusterKey(key), k -> ConcurrentHashMap.newKeySet()).add(key);
    KindRef previous = declared.put(key, kind);
    if (!newKind && kind.equals(previous)) {
      return new DesiredUpdate.NoChange();
    }
    return new DesiredUpdate.Declared(key, kind, newKind);
  }

  /** Records that {@code key} is no longer declared. */
  public DesiredUpdate undeclare(ResourceKey key) {
    byClusterKey.computeIfPresent(
        clusterKey(key),
        (k, keys) -> {
          keys.remove(key);
          return keys.isEmpty() ? null : keys;
        });
    return declared.remove(key) == null
        ? new DesiredUpdate.NoChange()
        : new DesiredUpdate.Undeclared(key);
  }

  /** The kinds ever declared on {@code target}. */
  public Set<KindRef> kinds(String target) {
    return Set.copyOf(kinds.getOrDefault(target, Set.of()));
  }

  /** The resources of {@code kind} (any version) declared now on {@code target}. */
  public List<ResourceKey> declared(String target, KindRef kind) {
    return declared.keySet().stream()
        .filter(
            k ->
                k.target().equals(target)
                    && k.kind().equals(kind.kind())
                    && k.apiGroup().equals(kind.group()))
        .toList();
  }

  /**
   * The resources declared now that name the object {@code clusterKey} (a key without namespace)
   * when their kind turns out to be cluster-scoped: itself, and any key of the same target, group,
   * kind and name with a namespace.
   */
  public Set<ResourceKey> declaredAt(ResourceKey clusterKey) {
    return Set.copyOf(byClusterKey.getOrDefault(clusterKey, Set.of()));
  }

  private static ResourceKey clusterKey(ResourceKey key) {
    return key.namespace().isEmpty()
        ? key
        : ResourceKey.of(key.target(), key.apiGroup(), key.kind(), "", key.name());
  }

  /** Whether {@code key} is declared now. */
  public boolean isDeclared(ResourceKey key) {
    return declared.containsKey(key);
  }
}
