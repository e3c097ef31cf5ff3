package dev.opsledger.gitwatcher.manifest;

import dev.opsledger.events.ResourceKey;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Which kinds have no namespace. Git holds no discovery document, so the well-known cluster-scoped
 * Kubernetes kinds are listed here, OpsLedger's AWS kinds are all cluster-scoped, users add their
 * own cluster-scoped custom kinds in configuration, and a revision's own CustomResourceDefinitions
 * declare the scope of their kinds ({@link DeclaredScopes}), which wins over the lists: a CRD knows
 * its kind in its group, the lists only know kind names. Anything else is namespaced; where that
 * guess is wrong (a CRD installed out of band), the services that talk to the cluster use its
 * discovery.
 */
public final class ResourceScopes {

  /** Cluster-scoped kinds of Kubernetes and common add-ons. */
  public static final Set<String> WELL_KNOWN =
      Set.of(
          "Namespace",
          "Node",
          "PersistentVolume",
          "ClusterRole",
          "ClusterRoleBinding",
          "CustomResourceDefinition",
          "StorageClass",
          "PriorityClass",
          "RuntimeClass",
          "IngressClass",
          "CSIDriver",
          "CSINode",
          "VolumeAttachment",
          "APIService",
          "MutatingWebhookConfiguration",
          "ValidatingWebhookConfiguration",
          "ValidatingAdmissionPolicy",
          "ValidatingAdmissionPolicyBinding",
          "MutatingAdmissionPolicy",
          "MutatingAdmissionPolicyBinding",
          "CertificateSigningRequest",
          "FlowSchema",
          "PriorityLevelConfiguration",
          "PodSecurityPolicy",
          "ComponentStatus",
          "ClusterIssuer",
          "ClusterTrustBundle",
          "VolumeSnapshotClass",
          "VolumeSnapshotContent",
          "IPAddress",
          "ServiceCIDR",
          "DeviceClass");

  private final Set<String> clusterScoped;

  /** The well-known kinds plus {@code extraClusterScopedKinds}. */
  public ResourceScopes(Collection<String> extraClusterScopedKinds) {
    Set<String> all = new HashSet<>(WELL_KNOWN);
    all.addAll(extraClusterScopedKinds);
    this.clusterScoped = Set.copyOf(all);
  }

  /** Whether resources of this group and kind have no namespace, by the lists alone. */
  public boolean clusterScoped(String apiGroup, String kind) {
    return clusterScoped(apiGroup, kind, DeclaredScopes.NONE);
  }

  /** Whether resources of this group and kind have no namespace in a revision declaring these. */
  public boolean clusterScoped(String apiGroup, String kind, DeclaredScopes declared) {
    if (ResourceKey.AWS_GROUP.equals(apiGroup)) {
      return true;
    }
    return declared.clusterScoped(apiGroup, kind).orElseGet(() -> clusterScoped.contains(kind));
  }
}
