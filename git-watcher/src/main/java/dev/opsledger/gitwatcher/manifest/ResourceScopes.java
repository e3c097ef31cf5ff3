package dev.opsledger.gitwatcher.manifest;

import dev.opsledger.events.ResourceKey;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Which kinds have no namespace. Git holds no discovery document, so the well-known cluster-scoped
 * Kubernetes kinds are listed here, OpsLedger's AWS kinds are all cluster-scoped, and users add
 * their own cluster-scoped custom kinds in configuration. Anything else is namespaced.
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

  /** Whether resources of this group and kind have no namespace. */
  public boolean clusterScoped(String apiGroup, String kind) {
    return ResourceKey.AWS_GROUP.equals(apiGroup) || clusterScoped.contains(kind);
  }
}
