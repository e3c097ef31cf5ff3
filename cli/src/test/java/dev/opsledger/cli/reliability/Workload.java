package dev.opsledger.cli.reliability;

import dev.opsledger.events.ResourceKey;
import dev.opsledger.testkit.GitFixture;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The repository a crash run syncs: a namespace, {@value #CONFIG_MAPS} ConfigMaps, {@value
 * #SECRETS} Secrets, a CustomResourceDefinition and {@value #WIDGETS} of its custom resources, one
 * file each ({@value #TOTAL} resources). Every revision changes every ConfigMap, Secret and custom
 * resource (so each run is a sync of all of them), removes {@value #PRUNED} ConfigMaps chosen by
 * the run's seed (prune cases; the previous revision's removals come back) and, live, edits or
 * deletes a few objects Git declares (self-heal cases).
 */
final class Workload {

  static final String NAMESPACE = "rel";
  static final String GROUP = "rel.example.dev";
  static final int CONFIG_MAPS = 160;
  static final int SECRETS = 30;
  static final int WIDGETS = 20;
  static final int PRUNED = 5;
  static final int TOTAL = 1 + CONFIG_MAPS + SECRETS + 1 + WIDGETS;

  private final String target;
  private final int configMaps;
  private Set<Integer> previousPruned = Set.of();

  Workload(String target) {
    this(target, CONFIG_MAPS);
  }

  /** A workload of {@code configMaps} ConfigMaps (and the Secrets and custom resources). */
  Workload(String target, int configMaps) {
    this.target = target;
    this.configMaps = configMaps;
  }

  /** How many resources each revision declares before its removals. */
  int total() {
    return TOTAL - CONFIG_MAPS + configMaps;
  }

  /** What one revision declares. */
  record Revision(int number, Set<Integer> prunedConfigMaps) {

    boolean declares(int configMap) {
      return !prunedConfigMaps.contains(configMap);
    }
  }

  /**
   * Revision {@code number}, its removals drawn from {@code random} among the ConfigMaps the
   * previous revision declared: one absent in both is no removal (Git says nothing new about it),
   * and would be counted as a lost {@code DesiredStateRemoved}.
   */
  Revision revision(int number, Random random) {
    Set<Integer> pruned = new TreeSet<>();
    if (number > 0) {
      while (pruned.size() < PRUNED) {
        int i = random.nextInt(configMaps);
        if (!previousPruned.contains(i)) {
          pruned.add(i);
        }
      }
    }
    previousPruned = pruned;
    return new Revision(number, pruned);
  }

  /** Writes the revision into a commit (every file, removals deleted) and pushes it. */
  String push(GitFixture git, Revision rev) {
    var commit = git.commit("Revision " + rev.number());
    commit.write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: rel\n");
    commit.write("crds/widgets.yaml", crd());
    for (int i = 0; i < configMaps; i++) {
      if (rev.declares(i)) {
        commit.write(cmPath(i), configMap(i, rev.number()));
      } else if (rev.number() > 0) {
        commit.delete(cmPath(i));
      }
    }
    for (int i = 0; i < SECRETS; i++) {
      commit.write("secrets/" + secretName(i) + ".yaml", secret(i, rev.number()));
    }
    for (int i = 0; i < WIDGETS; i++) {
      commit.write("widgets/" + widgetName(i) + ".yaml", widget(i, rev.number()));
    }
    return commit.push();
  }

  /** The keys of every resource the revision declares. */
  List<ResourceKey> declared(Revision rev) {
    List<ResourceKey> keys = new ArrayList<>();
    keys.add(ResourceKey.of(target, "", "Namespace", "", NAMESPACE));
    keys.add(
        ResourceKey.of(
            target, "apiextensions.k8s.io", "CustomResourceDefinition", "", "widgets." + GROUP));
    keys.addAll(changing(rev));
    return keys;
  }

  /** The keys of the resources the revision changes: every ConfigMap, Secret and Widget. */
  List<ResourceKey> changing(Revision rev) {
    List<ResourceKey> keys = new ArrayList<>();
    for (int i = 0; i < configMaps; i++) {
      if (rev.declares(i)) {
        keys.add(ResourceKey.of(target, "", "ConfigMap", NAMESPACE, cmName(i)));
      }
    }
    for (int i = 0; i < SECRETS; i++) {
      keys.add(ResourceKey.of(target, "", "Secret", NAMESPACE, secretName(i)));
    }
    for (int i = 0; i < WIDGETS; i++) {
      keys.add(ResourceKey.of(target, GROUP, "Widget", NAMESPACE, widgetName(i)));
    }
    return keys;
  }

  /** The keys of the ConfigMaps the revision removes. */
  List<ResourceKey> removed(Revision rev) {
    return rev.prunedConfigMaps().stream()
        .map(i -> ResourceKey.of(target, "", "ConfigMap", NAMESPACE, cmName(i)))
        .toList();
  }

  /**
   * Live edits Git does not declare, on objects that exist: {@code edits} ConfigMaps and one Secret
   * changed, one ConfigMap deleted. Returns what was done, for the run's log.
   */
  List<String> tamper(KubernetesClient client, Revision rev, Random random, int edits) {
    List<String> done = new ArrayList<>();
    Set<Integer> chosen = new LinkedHashSet<>();
    while (chosen.size() < edits + 1) {
      int i = random.nextInt(configMaps);
      if (rev.declares(i)) {
        chosen.add(i);
      }
    }
    var cms = client.configMaps().inNamespace(NAMESPACE);
    int n = 0;
    for (int i : chosen) {
      String name = cmName(i);
      try {
        if (cms.withName(name).get() == null) {
          continue;
        }
        if (n++ < edits) {
          cms.withName(name).edit(cm -> editData(cm, "rev", "tampered"));
          done.add("edited " + name);
        } else {
          cms.withName(name).delete();
          done.add("deleted " + name);
        }
      } catch (RuntimeException e) {
        done.add("could not tamper with " + name + ": " + e.getMessage());
      }
    }
    String secret = secretName(random.nextInt(SECRETS));
    try {
      var s = client.secrets().inNamespace(NAMESPACE).withName(secret);
      if (s.get() != null) {
        s.edit(
            x -> {
              x.getData().put("password", b64("tampered"));
              return x;
            });
        done.add("edited " + secret);
      }
    } catch (RuntimeException e) {
      done.add("could not tamper with " + secret + ": " + e.getMessage());
    }
    return done;
  }

  /** How many live ConfigMaps are at the revision already (one list call). */
  int applied(KubernetesClient client, Revision rev) {
    String number = Integer.toString(rev.number());
    return (int)
        client.configMaps().inNamespace(NAMESPACE).list().getItems().stream()
            .filter(cm -> cm.getData() != null && number.equals(cm.getData().get("rev")))
            .count();
  }

  /** Where the live objects differ from what the revision declares; empty when they match. */
  List<String> mismatches(KubernetesClient client, Revision rev) {
    List<String> wrong = new ArrayList<>();
    if (client.namespaces().withName(NAMESPACE).get() == null) {
      wrong.add("namespace missing");
    }
    if (client.apiextensions().v1().customResourceDefinitions().withName("widgets." + GROUP).get()
        == null) {
      wrong.add("CRD missing");
    }
    Map<String, ConfigMap> cms = new java.util.HashMap<>();
    client.configMaps().inNamespace(NAMESPACE).list().getItems().stream()
        .forEach(cm -> cms.put(cm.getMetadata().getName(), cm));
    for (int i = 0; i < configMaps; i++) {
      ConfigMap cm = cms.get(cmName(i));
      if (!rev.declares(i)) {
        // Deleted with foreground propagation, an object keeps its foregroundDeletion finalizer
        // until the garbage collector removes it; a test API server runs none. Accepted deletion
        // (a deletionTimestamp) is the prune.
        if (cm != null && cm.getMetadata().getDeletionTimestamp() == null) {
          wrong.add(cmName(i) + " not pruned");
        }
      } else if (cm == null) {
        wrong.add(cmName(i) + " missing");
      } else if (!Map.of("rev", Integer.toString(rev.number()), "index", Integer.toString(i))
          .equals(cm.getData())) {
        wrong.add(cmName(i) + " has " + cm.getData());
      }
    }
    Map<String, Secret> secrets = new java.util.HashMap<>();
    client.secrets().inNamespace(NAMESPACE).list().getItems().stream()
        .forEach(s -> secrets.put(s.getMetadata().getName(), s));
    for (int i = 0; i < SECRETS; i++) {
      Secret s = secrets.get(secretName(i));
      if (s == null) {
        wrong.add(secretName(i) + " missing");
      } else if (s.getData() == null
          || !Objects.equals(b64(password(i, rev.number())), s.getData().get("password"))) {
        wrong.add(secretName(i) + " has another password");
      }
    }
    Map<String, GenericKubernetesResource> widgets = new java.util.HashMap<>();
    client
        .genericKubernetesResources(GROUP + "/v1", "Widget")
        .inNamespace(NAMESPACE)
        .list()
        .getItems()
        .forEach(w -> widgets.put(w.getMetadata().getName(), w));
    for (int i = 0; i < WIDGETS; i++) {
      GenericKubernetesResource w = widgets.get(widgetName(i));
      Object spec = w == null ? null : w.getAdditionalProperties().get("spec");
      if (w == null) {
        wrong.add(widgetName(i) + " missing");
      } else if (!(spec instanceof Map<?, ?> m)
          || !Objects.equals(String.valueOf(m.get("size")), Integer.toString(rev.number()))
          || !Objects.equals(String.valueOf(m.get("index")), Integer.toString(i))) {
        wrong.add(widgetName(i) + " has spec " + spec);
      }
    }
    return wrong;
  }

  private static ConfigMap editData(ConfigMap cm, String key, String value) {
    cm.getData().put(key, value);
    return cm;
  }

  static String cmName(int i) {
    return "cm-%03d".formatted(i);
  }

  static String cmPath(int i) {
    return "configmaps/" + cmName(i) + ".yaml";
  }

  static String secretName(int i) {
    return "s-%02d".formatted(i);
  }

  static String widgetName(int i) {
    return "w-%02d".formatted(i);
  }

  /**
   * What every Secret value starts with. Nine bytes: base64 turns them into the same first twelve
   * characters whatever follows, so one canary finds every value in plain text and in base64.
   */
  static final String CANARY = "canary-pw";

  /** A value that must never reach the log, a receiver or the terminal in plain text. */
  static String password(int i, int rev) {
    return CANARY + "-" + rev + "-" + i;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String configMap(int i, int rev) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: %s
          namespace: rel
        data:
          rev: "%d"
          index: "%d"
        """
        .formatted(cmName(i), rev, i);
  }

  private static String secret(int i, int rev) {
    return """
        apiVersion: v1
        kind: Secret
        metadata:
          name: %s
          namespace: rel
        type: Opaque
        data:
          password: %s
        """
        .formatted(secretName(i), b64(password(i, rev)));
  }

  private static String widget(int i, int rev) {
    return """
        apiVersion: rel.example.dev/v1
        kind: Widget
        metadata:
          name: %s
          namespace: rel
        spec:
          size: %d
          index: %d
        """
        .formatted(widgetName(i), rev, i);
  }

  static String crd() {
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.rel.example.dev
        spec:
          group: rel.example.dev
          scope: Namespaced
          names:
            plural: widgets
            singular: widget
            kind: Widget
            listKind: WidgetList
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
        """;
  }
}
