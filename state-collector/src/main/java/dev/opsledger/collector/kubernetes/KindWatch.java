package dev.opsledger.collector.kubernetes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.collector.emit.ObservationEmitter;
import dev.opsledger.collector.observe.FailureReason;
import dev.opsledger.collector.observe.LiveProjection;
import dev.opsledger.collector.observe.Observation;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ResourceKey;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One generic informer over one kind in all namespaces of one cluster, reporting every add, update
 * and delete as an observation.
 *
 * <p>An object of a cluster-scoped kind is reported under the keys that declare it ({@code
 * reportedAs}): a manifest of a custom kind whose CRD is not in Git keeps the namespace it was
 * written with, so its key has one that the live object never has.
 */
final class KindWatch implements AutoCloseable {

  /** Page size of the informer's lists, so that a large kind is not fetched in one response. */
  private static final long LIST_PAGE = 500;

  private final String target;
  private final ResourceDefinitionContext context;
  private final KubernetesSerialization serialization;
  private final LiveProjection projection;
  private final ObservationEmitter emitter;
  private final SharedIndexInformer<GenericKubernetesResource> informer;
  private final ResourceKey kindKey;
  private final Function<ResourceKey, List<ResourceKey>> reportedAs;

  /**
   * A watch; call {@link #start}.
   *
   * @param reportedAs for a cluster-scoped kind, the keys to report an object of this key under
   */
  KindWatch(
      String target,
      KubernetesClient client,
      ResourceDefinitionContext context,
      LiveProjection projection,
      ObservationEmitter emitter,
      Consumer<ApiFailures.Classified> onFailure,
      Function<ResourceKey, List<ResourceKey>> reportedAs) {
    this.target = target;
    this.reportedAs = reportedAs;
    this.context = context;
    this.serialization = client.getKubernetesSerialization();
    this.projection = projection;
    this.emitter = emitter;
    this.kindKey =
        ResourceKey.of(target, context.getGroup(), context.getKind(), "", ResourceKey.ANY_NAME);
    this.informer =
        client
            .genericKubernetesResources(context)
            .inAnyNamespace()
            .withLimit(LIST_PAGE)
            .runnableInformer(0);
    informer.addEventHandler(new Handler());
    informer.exceptionHandler(
        (started, error) -> {
          ApiFailures.Classified failure = ApiFailures.classify(error);
          onFailure.accept(failure);
          // Before the first list succeeded, a refusal or an unknown kind will not go away by
          // itself soon: stop, and let the cluster watcher try again on its own schedule.
          // Otherwise (outage, throttling, a dropped watch) the informer keeps retrying.
          return started || failure.transientFailure();
        });
  }

  /** Starts listing and watching; completes when the first list is in the cache. */
  CompletionStage<Void> start() {
    return informer.start();
  }

  /** The kind as resolved. */
  ResourceDefinitionContext context() {
    return context;
  }

  /** The key that stands for the whole kind, for failures. */
  ResourceKey kindKey() {
    return kindKey;
  }

  /** Whether the first list completed. */
  boolean synced() {
    return informer.hasSynced();
  }

  /** Whether the watch is currently connected. */
  boolean watching() {
    return informer.isWatching();
  }

  /** How many objects are in the cache. */
  int size() {
    return informer.getStore().listKeys().size();
  }

  /** Whether the cache has the object {@code key} names. */
  boolean contains(ResourceKey key) {
    String cacheKey =
        context.isNamespaceScoped()
            ? Cache.namespaceKeyFunc(key.namespace(), key.name())
            : key.name();
    return informer.getStore().getByKey(cacheKey) != null;
  }

  /** Every object in the cache, projected, under the keys it is reported under. */
  List<Observation> snapshot() {
    return informer.getStore().list().stream()
        .map(this::observe)
        .flatMap(o -> underDeclaredKeys(o).stream())
        .toList();
  }

  /** The cached object {@code key} names, projected under {@code key}, if there is one. */
  Optional<Observation> cached(ResourceKey key) {
    String cacheKey =
        context.isNamespaceScoped()
            ? Cache.namespaceKeyFunc(key.namespace(), key.name())
            : key.name();
    GenericKubernetesResource object = informer.getStore().getByKey(cacheKey);
    return object == null ? Optional.empty() : Optional.of(rekeyed(observe(object), key));
  }

  /** Whether objects of this kind have no namespace. */
  boolean clusterScoped() {
    return !context.isNamespaceScoped();
  }

  private List<Observation> underDeclaredKeys(Observation o) {
    if (context.isNamespaceScoped() || o instanceof Observation.Failed) {
      return List.of(o);
    }
    List<ResourceKey> keys = reportedAs.apply(o.key());
    if (keys.size() == 1 && keys.get(0).equals(o.key())) {
      return List.of(o);
    }
    return keys.stream().map(k -> rekeyed(o, k)).toList();
  }

  private static Observation rekeyed(Observation o, ResourceKey key) {
    if (o.key().equals(key)) {
      return o;
    }
    if (o instanceof Observation.Present p) {
      return new Observation.Present(
          key, p.resourceVersion(), p.live(), p.contentHash(), p.managed(), p.uid(), p.health());
    }
    if (o instanceof Observation.Absent a) {
      return new Observation.Absent(key, a.reason());
    }
    return o;
  }

  private void report(Observation o) {
    underDeclaredKeys(o).forEach(emitter::report);
  }

  @Override
  public void close() {
    informer.close();
  }

  private Observation observe(GenericKubernetesResource resource) {
    ObjectNode raw;
    try {
      raw = (ObjectNode) EventJson.mapper().readTree(serialization.asJson(resource));
    } catch (Exception e) {
      return new Observation.Failed(
          keyOrKind(resource),
          FailureReason.UNSERIALIZABLE,
          "the object cannot be written as JSON: " + e.getClass().getSimpleName(),
          null,
          false);
    }
    // List items may come without apiVersion and kind; the informer knows them.
    if (!raw.hasNonNull("apiVersion")) {
      raw.put("apiVersion", apiVersion());
    }
    if (!raw.hasNonNull("kind")) {
      raw.put("kind", context.getKind());
    }
    return projection.project(target, raw);
  }

  private ResourceKey keyOrKind(GenericKubernetesResource resource) {
    try {
      return ResourceKey.of(
          target,
          context.getGroup(),
          context.getKind(),
          resource.getMetadata().getNamespace(),
          resource.getMetadata().getName());
    } catch (RuntimeException e) {
      return kindKey;
    }
  }

  private String apiVersion() {
    String group = context.getGroup();
    return group == null || group.isEmpty()
        ? context.getVersion()
        : group + "/" + context.getVersion();
  }

  private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {

    @Override
    public void onAdd(GenericKubernetesResource resource) {
      report(observe(resource));
    }

    @Override
    public void onUpdate(GenericKubernetesResource previous, GenericKubernetesResource current) {
      report(observe(current));
    }

    @Override
    public void onDelete(GenericKubernetesResource resource, boolean finalStateUnknown) {
      // finalStateUnknown: the delete was missed (e.g. during an outage) and found by a relist.
      report(new Observation.Absent(keyOrKind(resource), Observation.Absent.DELETED));
    }
  }
}
