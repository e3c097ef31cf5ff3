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

  /** Records that {@code key} is declared with {@code kind}. */
  public DesiredUpdate declare(ResourceKey key, KindRef kind) {
    boolean newKind =
        kinds.computeIfAbsent(key.target(), t -> ConcurrentHashMap.newKeySet()).add(kind);
    KindRef previous = declared.put(key, kind);
    if (!newKind && kind.equals(previous)) {
      return new DesiredUpdate.NoChange();
    }
    return new DesiredUpdate.Declared(key, kind, newKind);
  }

  /** Records that {@code key} is no longer declared. */
  public DesiredUpdate undeclare(ResourceKey key) {
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

  /** Whether {@code key} is declared now. */
  public boolean isDeclared(ResourceKey key) {
    return declared.containsKey(key);
  }
}
