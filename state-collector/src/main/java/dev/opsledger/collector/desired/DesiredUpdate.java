package dev.opsledger.collector.desired;

import dev.opsledger.collector.observe.KindRef;
import dev.opsledger.events.ResourceKey;

/** What one desired event changed in the collector's view. */
public sealed interface DesiredUpdate {

  /**
   * A resource is declared.
   *
   * @param key the resource
   * @param kind its kind as the manifest names it
   * @param newKind whether the kind was never declared on the target before
   */
  record Declared(ResourceKey key, KindRef kind, boolean newKind) implements DesiredUpdate {}

  /**
   * A resource is no longer declared (its kind stays watched).
   *
   * @param key the resource
   */
  record Undeclared(ResourceKey key) implements DesiredUpdate {}

  /** Nothing changed: a duplicate, or an event that is not about desired state. */
  record NoChange() implements DesiredUpdate {}
}
