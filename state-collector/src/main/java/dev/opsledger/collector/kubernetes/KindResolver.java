package dev.opsledger.collector.kubernetes;

import dev.opsledger.collector.observe.KindRef;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** Finds the plural resource and scope of a kind through the API's discovery documents. */
final class KindResolver {

  private KindResolver() {}

  /** Looks {@code kind} up in its group/version's resource list. */
  static KindResolution resolve(KubernetesClient client, KindRef kind) {
    APIResourceList resources;
    try {
      resources = client.getApiResources(kind.apiVersion());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return new KindResolution.NotServed();
      }
      return new KindResolution.DiscoveryFailed(ApiFailures.classify(e));
    } catch (RuntimeException e) {
      return new KindResolution.DiscoveryFailed(ApiFailures.classify(e));
    }
    if (resources == null || resources.getResources() == null) {
      return new KindResolution.NotServed();
    }
    for (APIResource resource : resources.getResources()) {
      // Subresources ("deployments/status") share the kind; the collection has no slash.
      if (kind.kind().equals(resource.getKind()) && !resource.getName().contains("/")) {
        ResourceDefinitionContext context =
            new ResourceDefinitionContext.Builder()
                .withGroup(kind.group())
                .withVersion(kind.version())
                .withKind(kind.kind())
                .withPlural(resource.getName())
                .withNamespaced(Boolean.TRUE.equals(resource.getNamespaced()))
                .build();
        return new KindResolution.Served(context);
      }
    }
    return new KindResolution.NotServed();
  }
}
