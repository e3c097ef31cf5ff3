package dev.opsledger.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ServiceAccounts and RBAC that {@code deploy/kubernetes/base} ships, installed on a real
 * kube-apiserver as the fleet's namespace would have them, and the tokens their pods would get.
 *
 * <p>There is no controller-manager, so this does what its ClusterRole aggregation controller
 * would: it fills each aggregated role with the rules of the ClusterRoles labelled for it.
 */
final class DeployRbac {

  static final Path BASE = Path.of("../deploy/kubernetes/base");

  /** The fleet's namespace. */
  static final String FLEET = "opsledger";

  private DeployRbac() {}

  /** Installs (or updates) the namespace, ServiceAccounts, ClusterRoles and their bindings. */
  static void install(KubernetesClient admin) throws IOException {
    if (admin.namespaces().withName(FLEET).get() == null) {
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(FLEET).endMetadata().build())
          .create();
    }
    List<ClusterRole> roles = new ArrayList<>();
    for (var doc : documents("serviceaccounts.yaml")) {
      ServiceAccount sa =
          admin.getKubernetesSerialization().convertValue(doc, ServiceAccount.class);
      sa.getMetadata().setNamespace(FLEET);
      admin.serviceAccounts().inNamespace(FLEET).resource(sa).createOr(r -> r.update());
    }
    for (var doc : documents("rbac.yaml")) {
      if ("ClusterRole".equals(doc.get("kind"))) {
        roles.add(admin.getKubernetesSerialization().convertValue(doc, ClusterRole.class));
      } else if ("ClusterRoleBinding".equals(doc.get("kind"))) {
        ClusterRoleBinding binding =
            admin.getKubernetesSerialization().convertValue(doc, ClusterRoleBinding.class);
        admin.rbac().clusterRoleBindings().resource(binding).createOr(r -> r.update());
      }
    }
    for (ClusterRole role : roles) {
      admin.rbac().clusterRoles().resource(aggregated(role, roles)).createOr(r -> r.update());
    }
  }

  /** A token of the fleet's ServiceAccount, as the pod would have it mounted. */
  static String token(KubernetesClient admin, String serviceAccount, long seconds) {
    return admin
        .serviceAccounts()
        .inNamespace(FLEET)
        .withName(serviceAccount)
        .tokenRequest(
            new TokenRequestBuilder()
                .withNewSpec()
                .withExpirationSeconds(seconds)
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }

  /** The role with the rules of the ClusterRoles its aggregation rule selects, if it has one. */
  private static ClusterRole aggregated(ClusterRole role, List<ClusterRole> all) {
    if (role.getAggregationRule() == null) {
      return role;
    }
    List<PolicyRule> rules = new ArrayList<>();
    for (var selector : role.getAggregationRule().getClusterRoleSelectors()) {
      for (ClusterRole other : all) {
        Map<String, String> labels = other.getMetadata().getLabels();
        if (labels != null && labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
          rules.addAll(other.getRules());
        }
      }
    }
    return new ClusterRoleBuilder(role).withRules(rules).build();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents(String file) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<Map<String, Object>> out = new ArrayList<>();
    try (var parser = yaml.getFactory().createParser(BASE.resolve(file).toFile())) {
      for (Object doc : yaml.readValues(parser, Map.class).readAll()) {
        if (doc instanceof Map<?, ?> map && map.containsKey("kind")) {
          out.add((Map<String, Object>) map);
        }
      }
    }
    return out;
  }
}
