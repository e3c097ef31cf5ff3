package dev.opsledger.sandbox.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudPersistence;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.util.Map;

/**
 * The store as fabric8's POST/PUT handlers see it under {@code ?dryRun=All}: reads go to the real
 * store, the final write ({@link #processEvent}) is dropped. The handlers thus validate and build
 * the same answer as for a real request, and nothing is stored or watched.
 */
final class DryRunPersistence implements KubernetesCrudPersistence {

  private final CrudStore store;

  DryRunPersistence(CrudStore store) {
    this.store = store;
  }

  @Override
  public long requestResourceVersion() {
    return store.requestResourceVersion();
  }

  @Override
  public AttributeSet getKey(String path) {
    return store.getKey(path);
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
    synchronized (store.getMap()) {
      return store.findResource(attributes);
    }
  }

  @Override
  public boolean isStatusSubresourceEnabledForResource(String path) {
    return store.isStatusSubresourceEnabledForResource(path);
  }

  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    // dry run: nothing is stored and no watcher hears of it
  }

  @Override
  public void reset() {
    // nothing to reset: the state belongs to the real store
  }
}
