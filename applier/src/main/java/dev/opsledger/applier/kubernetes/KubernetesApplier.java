package dev.opsledger.applier.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.applier.apply.ApplyRequest;
import dev.opsledger.applier.apply.Conflicts;
import dev.opsledger.applier.apply.DeleteRequest;
import dev.opsledger.applier.apply.Failure;
import dev.opsledger.applier.apply.Outcome;
import dev.opsledger.applier.apply.ResourceApplier;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.FieldsConflicted;
import dev.opsledger.events.ResourceKey;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.ServerSideApplicable;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies Kubernetes objects of one cluster (one {@code target}) by server-side apply.
 *
 * <p>Whether a kind is namespaced comes from discovery, never from the key: fabric8's generic
 * client builds the request path from the {@link ResourceDefinitionContext} made of the kind's
 * {@code APIResource} (its {@code namespaced} flag), so an object of a cluster-scoped kind is
 * applied and deleted at cluster scope, with the namespace its manifest may carry dropped.
 *
 * <p>Steps of an apply, top-down: find the kind's API resource (discovery; a kind no API serves is
 * a CRD not installed yet: retryable), check the namespace exists (the API server answers 404 for a
 * missing one; checked first so that API servers that do not check, like the sandbox emulator,
 * behave the same), read the live object, apply, and compare: no live object → {@code Created},
 * same {@code resourceVersion} → {@code Unchanged}, otherwise {@code Patched}. A dry run compares
 * the content instead, since nothing is stored.
 */
public final class KubernetesApplier implements ResourceApplier {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesApplier.class);

  private static final Set<String> SERVER_FIELDS =
      Set.of("resourceVersion", "managedFields", "generation", "creationTimestamp", "uid");

  private final String target;
  private final KubernetesClient client;
  private final String fieldManager;
  private final Map<String, ResourceDefinitionContext> contexts = new ConcurrentHashMap<>();
  private final Set<String> knownNamespaces = ConcurrentHashMap.newKeySet();
  private final Set<ResourceKey> warnedClusterScoped = ConcurrentHashMap.newKeySet();

  /**
   * An applier.
   *
   * @param target the target name of the cluster in resource keys
   * @param client the cluster's client (with fabric8's own request retries off: the applier's
   *     scheduler retries)
   * @param fieldManager the server-side apply field manager
   */
  public KubernetesApplier(String target, KubernetesClient client, String fieldManager) {
    this.target = target;
    this.client = client;
    this.fieldManager = fieldManager;
  }

  @Override
  public boolean handles(ResourceKey resource) {
    return target.equals(resource.target()) && !resource.aws();
  }

  @Override
  public Outcome apply(ApplyRequest request) {
    ObjectNode manifest =
        ManifestStamp.stamp(request.manifest(), request.sourceId(), request.revision());
    String apiVersion = manifest.path("apiVersion").asText();
    String kind = manifest.path("kind").asText();
    Optional<String> unrepresentable = ApiNumbers.firstOutOfRange(manifest);
    if (unrepresentable.isPresent()) {
      return Outcome.terminal(
          "Invalid",
          "the manifest has a number the Kubernetes API cannot hold (beyond a 64-bit float): "
              + unrepresentable.get(),
          null);
    }
    try {
      Optional<ResourceDefinitionContext> context = context(apiVersion, kind);
      if (context.isEmpty()) {
        return Outcome.retryable(
            "CrdMissing",
            "no API serves " + kind + " in " + apiVersion + " (its CRD is not installed yet?)",
            404);
      }
      String namespace = namespaceOf(context.get(), request.resource());
      dropNamespaceOfClusterScoped(context.get(), manifest, request.resource());
      if (namespace != null && !namespaceExists(namespace)) {
        return Outcome.retryable(
            "NamespaceMissing", "namespaces \"" + namespace + "\" not found", 404);
      }
      GenericKubernetesResource object =
          client
              .getKubernetesSerialization()
              .unmarshal(manifest.toString(), GenericKubernetesResource.class);
      Resource<GenericKubernetesResource> resource =
          operation(context.get(), namespace).resource(object);
      GenericKubernetesResource before = resource.get();
      if (request.forceConflicts()) {
        GenericKubernetesResource after =
            write(resource, request.dryRun()).forceConflicts().serverSideApply();
        return withTakeovers(compare(before, after, request.dryRun()), before, after);
      }
      return applyLeavingConflicts(
          context.get(), namespace, manifest, resource, before, request.dryRun());
    } catch (KubernetesClientException e) {
      forgetOn404(e, apiVersion, kind, request.resource());
      return new Outcome.Failed(failureOf(e));
    }
  }

  /**
   * Deletes the object only if it is the one the differ found extraneous and OpsLedger applied. It
   * is read first: a live uid other than the observed one ({@link DeleteRequest#observedUid()}) is
   * an object someone deleted and recreated under the same name since the state-collector saw it,
   * and is not deleted (terminal {@code Recreated}, naming both uids); one without OpsLedger's
   * managed-by label is not deleted either (terminal {@code NotManaged}). The delete then carries
   * the observed uid as a precondition, so an object recreated between the read and the delete is
   * not deleted (the API server answers 409: terminal {@code Recreated} too).
   */
  @Override
  public Outcome delete(DeleteRequest request) {
    ResourceKey key = request.resource();
    try {
      String apiVersion = apiVersionOf(request);
      if (apiVersion == null) {
        return new Outcome.Unchanged();
      }
      Optional<ResourceDefinitionContext> context = context(apiVersion, key.kind());
      if (context.isEmpty()) {
        // No API serves the kind: no object of it can exist.
        return new Outcome.Unchanged();
      }
      String namespace = namespaceOf(context.get(), key);
      GenericKubernetesResource live =
          operation(context.get(), namespace).withName(key.name()).get();
      if (live == null) {
        return new Outcome.Unchanged();
      }
      String liveUid = live.getMetadata().getUid();
      String observedUid = request.observedUid();
      if (observedUid != null && !observedUid.equals(liveUid)) {
        return Outcome.terminal(
            "Recreated",
            "not deleted: the object under this name is not the one found extraneous (observed uid "
                + observedUid
                + ", live uid "
                + liveUid
                + "): it was deleted and recreated since it was observed",
            null);
      }
      // Without an observed uid (a diff written before the differ carried it) the uid just read
      // is the precondition, as before: it still guards the window between this read and the
      // delete, though not the one between the observation and this read.
      String uid = observedUid != null ? observedUid : liveUid;
      Map<String, String> labels = live.getMetadata().getLabels();
      if (labels == null || !ManifestStamp.MANAGER.equals(labels.get(ManifestStamp.MANAGED_BY))) {
        return Outcome.terminal(
            "NotManaged",
            "not deleted: the live object (uid "
                + uid
                + ") does not carry "
                + ManifestStamp.MANAGED_BY
                + "="
                + ManifestStamp.MANAGER
                + ", so it is not the one OpsLedger applied (recreated by someone else?)",
            null);
      }
      Map<String, Object> options = new LinkedHashMap<>();
      options.put("apiVersion", "v1");
      options.put("kind", "DeleteOptions");
      options.put("propagationPolicy", propagation(request.propagation()));
      options.put("preconditions", Map.of("uid", uid));
      client.raw(
          path(context.get(), namespace, key.name()) + (request.dryRun() ? "?dryRun=All" : ""),
          "DELETE",
          options);
      return new Outcome.Deleted();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return new Outcome.Unchanged();
      }
      if (e.getCode() == 409) {
        return Outcome.terminal(
            "Recreated",
            "not deleted: the object was replaced after it was read (uid precondition "
                + (request.observedUid() != null
                    ? "on the observed uid " + request.observedUid()
                    : "on the uid just read, the diff naming no observed uid")
                + " failed): "
                + messageOf(e),
            409);
      }
      return new Outcome.Failed(failureOf(e));
    }
  }

  @Override
  public Predicate<ResourceKey> unblocks(ApplyRequest applied) {
    ResourceKey key = applied.resource();
    if ("Namespace".equals(key.kind()) && key.coreGroup()) {
      knownNamespaces.add(key.name());
      return k -> handles(k) && key.name().equals(k.namespace());
    }
    if ("CustomResourceDefinition".equals(key.kind())) {
      JsonNode spec = applied.manifest().path("spec");
      String group = spec.path("group").asText();
      String kind = spec.path("names").path("kind").asText();
      return k -> handles(k) && group.equals(k.apiGroup()) && kind.equals(k.kind());
    }
    return null;
  }

  private static NonDeletingOperation<GenericKubernetesResource> dryRunOr(
      Resource<GenericKubernetesResource> resource, boolean dryRun) {
    return dryRun ? resource.dryRun() : resource;
  }

  private ServerSideApplicable<GenericKubernetesResource> write(
      Resource<GenericKubernetesResource> resource, boolean dryRun) {
    return dryRunOr(resource, dryRun).fieldManager(fieldManager);
  }

  /** A patch that took fields other managers owned says which, and whose they were. */
  private Outcome withTakeovers(
      Outcome outcome, GenericKubernetesResource before, GenericKubernetesResource after) {
    if (!(outcome instanceof Outcome.Patched) || before == null) {
      return outcome;
    }
    List<FieldsConflicted.Field> taken =
        FieldOwners.takenOver(managedFields(before), managedFields(after), fieldManager);
    return taken.isEmpty() ? outcome : new Outcome.Patched(new Conflicts(true, taken));
  }

  /**
   * Applies without force. When the API server answers 409 naming fields other managers own, those
   * fields are taken out of the manifest and the rest is applied, still without force: the fields
   * stay their owners', and the outcome names each with its manager. A field that cannot be taken
   * out (one inside a list) makes the apply a terminal {@code Conflict} naming the managers.
   */
  private Outcome applyLeavingConflicts(
      ResourceDefinitionContext context,
      String namespace,
      ObjectNode manifest,
      Resource<GenericKubernetesResource> resource,
      GenericKubernetesResource before,
      boolean dryRun) {
    List<FieldsConflicted.Field> conflicts;
    try {
      return compare(before, write(resource, dryRun).serverSideApply(), dryRun);
    } catch (KubernetesClientException e) {
      conflicts = conflictsOf(e);
      if (conflicts.isEmpty()) {
        throw e;
      }
    }
    ObjectNode rest = manifest.deepCopy();
    for (FieldsConflicted.Field f : conflicts) {
      if (!FieldOwners.remove(rest, f.path())) {
        return Outcome.terminal("Conflict", conflictMessage(conflicts), 409);
      }
    }
    GenericKubernetesResource object =
        client
            .getKubernetesSerialization()
            .unmarshal(rest.toString(), GenericKubernetesResource.class);
    GenericKubernetesResource after;
    try {
      after = write(operation(context, namespace).resource(object), dryRun).serverSideApply();
    } catch (KubernetesClientException e) {
      if (!conflictsOf(e).isEmpty()) {
        return Outcome.terminal("Conflict", conflictMessage(conflictsOf(e)), 409);
      }
      throw e;
    }
    Conflicts left = new Conflicts(false, conflicts);
    return compare(before, after, dryRun) instanceof Outcome.Patched
        ? new Outcome.Patched(left)
        : new Outcome.Unchanged(left);
  }

  /** The fields and managers of a server-side apply conflict (409 FieldManagerConflict causes). */
  private static List<FieldsConflicted.Field> conflictsOf(KubernetesClientException e) {
    List<FieldsConflicted.Field> out = new ArrayList<>();
    Status status = e.getStatus();
    if (e.getCode() != 409 || status == null || status.getDetails() == null) {
      return out;
    }
    List<StatusCause> causes = status.getDetails().getCauses();
    if (causes == null) {
      return out;
    }
    for (StatusCause c : causes) {
      Optional<String> manager = FieldOwners.managerIn(c.getMessage());
      if ("FieldManagerConflict".equals(c.getReason())
          && manager.isPresent()
          && c.getField() != null
          && !c.getField().isBlank()) {
        out.add(new FieldsConflicted.Field(manager.get(), c.getField()));
      }
    }
    return out;
  }

  private static String conflictMessage(List<FieldsConflicted.Field> conflicts) {
    StringBuilder sb =
        new StringBuilder("force-conflicts is off and fields are owned by other managers:");
    for (FieldsConflicted.Field f : conflicts) {
      sb.append(' ').append(f.path()).append(" (").append(f.manager()).append(')');
    }
    return sb.toString();
  }

  private JsonNode managedFields(GenericKubernetesResource object) {
    try {
      return EventJson.mapper()
          .readTree(client.getKubernetesSerialization().asJson(object))
          .path("metadata")
          .path("managedFields");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("fabric8 wrote JSON that does not parse", e);
    }
  }

  /** The API path of one object of the kind. */
  private static String path(ResourceDefinitionContext context, String namespace, String name) {
    String group = context.getGroup();
    StringBuilder sb = new StringBuilder();
    sb.append(group == null || group.isEmpty() ? "/api/" : "/apis/" + group + "/");
    sb.append(context.getVersion());
    if (namespace != null) {
      sb.append("/namespaces/").append(encode(namespace));
    }
    sb.append('/').append(context.getPlural()).append('/').append(encode(name));
    return sb.toString();
  }

  private static String encode(String segment) {
    return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  private static String messageOf(KubernetesClientException e) {
    Status status = e.getStatus();
    return status != null && status.getMessage() != null ? status.getMessage() : e.getMessage();
  }

  private Outcome compare(
      GenericKubernetesResource before, GenericKubernetesResource after, boolean dryRun) {
    if (before == null) {
      return new Outcome.Created();
    }
    if (!dryRun) {
      return Objects.equals(
              before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())
          ? new Outcome.Unchanged()
          : new Outcome.Patched();
    }
    return content(before).equals(content(after)) ? new Outcome.Unchanged() : new Outcome.Patched();
  }

  /** The object without the fields the server sets on every write, for dry-run comparison. */
  private JsonNode content(GenericKubernetesResource object) {
    try {
      ObjectNode json =
          (ObjectNode)
              EventJson.mapper().readTree(client.getKubernetesSerialization().asJson(object));
      if (json.get("metadata") instanceof ObjectNode metadata) {
        metadata.remove(SERVER_FIELDS);
      }
      json.remove("status");
      return json;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("fabric8 wrote JSON that does not parse", e);
    }
  }

  private Optional<ResourceDefinitionContext> context(String apiVersion, String kind) {
    String cacheKey = apiVersion + "/" + kind;
    ResourceDefinitionContext cached = contexts.get(cacheKey);
    if (cached != null) {
      return Optional.of(cached);
    }
    APIResourceList list = client.getApiResources(apiVersion);
    if (list == null || list.getResources() == null) {
      return Optional.empty();
    }
    for (APIResource r : list.getResources()) {
      if (kind.equals(r.getKind()) && !r.getName().contains("/")) {
        ResourceDefinitionContext context =
            ResourceDefinitionContext.fromApiResource(apiVersion, r);
        contexts.put(cacheKey, context);
        return Optional.of(context);
      }
    }
    return Optional.empty();
  }

  /**
   * Drops {@code metadata.namespace} from the manifest of a cluster-scoped kind, as kubectl does: a
   * custom kind whose CRD was installed out of band keeps in Git the namespace it was written with
   * (the git-watcher cannot know its scope), and it must not reach the request path or the body.
   * Logged once per resource.
   */
  private void dropNamespaceOfClusterScoped(
      ResourceDefinitionContext context, ObjectNode manifest, ResourceKey key) {
    if (context.isNamespaceScoped()
        || !(manifest.get("metadata") instanceof ObjectNode metadata)
        || !metadata.has("namespace")) {
      return;
    }
    metadata.remove("namespace");
    if (warnedClusterScoped.add(key)) {
      LOG.warn(
          "{}: {} is cluster-scoped on {} (discovery): the namespace its manifest names is ignored",
          key,
          key.kind(),
          target);
    }
  }

  private String namespaceOf(ResourceDefinitionContext context, ResourceKey key) {
    if (!context.isNamespaceScoped()) {
      return null;
    }
    return key.namespace().isEmpty() ? "default" : key.namespace();
  }

  private boolean namespaceExists(String namespace) {
    if (knownNamespaces.contains(namespace)) {
      return true;
    }
    if (client.namespaces().withName(namespace).get() != null) {
      knownNamespaces.add(namespace);
      return true;
    }
    return false;
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      operation(ResourceDefinitionContext context, String namespace) {
    var all = client.genericKubernetesResources(context);
    return namespace == null ? all : all.inNamespace(namespace);
  }

  private String apiVersionOf(DeleteRequest request) {
    if (request.lastManifest() != null && request.lastManifest().hasNonNull("apiVersion")) {
      return request.lastManifest().get("apiVersion").asText();
    }
    ResourceKey key = request.resource();
    if (key.coreGroup()) {
      return "v1";
    }
    APIGroup group = client.getApiGroup(key.apiGroup());
    return group == null || group.getPreferredVersion() == null
        ? null
        : group.getPreferredVersion().getGroupVersion();
  }

  private void forgetOn404(
      KubernetesClientException e, String apiVersion, String kind, ResourceKey key) {
    if (e.getCode() == 404) {
      // The namespace or the kind may have gone since it was cached.
      contexts.remove(apiVersion + "/" + kind);
      knownNamespaces.remove(key.namespace());
    }
  }

  /** The policy's name as the API spells it ({@code Foreground}), whatever case it was given in. */
  private static String propagation(String name) {
    String n = DeletionPropagation.valueOf(name.toUpperCase(Locale.ROOT)).name();
    return n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
  }

  private static Failure failureOf(KubernetesClientException e) {
    Status status = e.getStatus();
    String message =
        status != null && status.getMessage() != null ? status.getMessage() : e.getMessage();
    int code = e.getCode();
    if (code <= 0 || (status == null && KubernetesFailures.isConnectionProblem(e))) {
      return KubernetesFailures.classify(0, null, rootMessage(e));
    }
    return KubernetesFailures.classify(code, status == null ? null : status.getReason(), message);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t
        ? String.valueOf(t.getMessage())
        : t.getMessage() + ": " + root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
