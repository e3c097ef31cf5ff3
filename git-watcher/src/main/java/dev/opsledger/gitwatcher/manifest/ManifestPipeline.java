package dev.opsledger.gitwatcher.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.ManifestError;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.events.Topic;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one file's bytes into resources of one source: documents are read, {@code kind: List}
 * expanded, required fields checked, AWS kinds validated, the namespace defaulted (namespaced
 * kinds) or dropped with a warning (cluster-scoped Kubernetes kinds, as kubectl and the API server
 * do) and the key built; the scopes that CustomResourceDefinitions declare are collected. The same
 * steps serve validation (hashes only) and emission (sealed manifests), so both see exactly the
 * same resources, as long as both pass the revision's {@link DeclaredScopes}.
 */
public final class ManifestPipeline {

  private static final String LIST_KIND = "List";

  private final String target;
  private final String defaultNamespace;
  private final ResourceScopes scopes;
  private final SecretProtector secrets;

  /**
   * A pipeline for one source.
   *
   * @param target the source's target, the first segment of every key
   * @param defaultNamespace the namespace of namespaced resources that set none
   * @param scopes which kinds are cluster-scoped
   * @param secrets seals and fingerprints Secret values
   */
  public ManifestPipeline(
      String target, String defaultNamespace, ResourceScopes scopes, SecretProtector secrets) {
    this.target = target;
    this.defaultNamespace = defaultNamespace;
    this.scopes = scopes;
    this.secrets = secrets;
  }

  /** Which kinds are cluster-scoped. */
  public ResourceScopes scopes() {
    return scopes;
  }

  /**
   * One declared resource.
   *
   * @param key its key
   * @param line the line of its document
   * @param manifest the manifest, namespace defaulted, Secret values still plain: never emit it
   */
  public record Resource(ResourceKey key, int line, ObjectNode manifest) {}

  /**
   * A file's resources and errors; resources are only usable when there are no errors.
   *
   * @param resources the resources
   * @param errors what rejects the revision
   * @param warnings what was ignored (a namespace on a cluster-scoped kind), with file and line
   * @param declares the scopes of the kinds the file's CustomResourceDefinitions define
   */
  public record FileResult(
      List<Resource> resources,
      List<ManifestError> errors,
      List<ManifestError> warnings,
      DeclaredScopes declares) {}

  /** Processes one file, knowing no kind's scope beyond the configured lists. */
  public FileResult process(String path, byte[] bytes) {
    return process(path, bytes, DeclaredScopes.NONE);
  }

  /** Processes one file of a revision whose CustomResourceDefinitions declare {@code declared}. */
  public FileResult process(String path, byte[] bytes, DeclaredScopes declared) {
    DocumentReader.Read read = DocumentReader.read(path, bytes);
    Output out = new Output(path, declared, new ArrayList<>(read.errors()));
    for (LocatedDocument doc : read.documents()) {
      var unsafe = SecretProtector.declaredProblem(doc.node());
      if (unsafe.isPresent()) {
        out.errors.add(new ManifestError(path, doc.line(), unsafe.get()));
        continue;
      }
      if (isList(doc.node())) {
        JsonNode items = doc.node().get("items");
        if (items == null || !items.isArray()) {
          out.errors.add(new ManifestError(path, doc.line(), "kind List needs an items list"));
          continue;
        }
        for (int i = 0; i < items.size(); i++) {
          LocatedDocument item = doc.child("/items/" + i, items.get(i));
          var unsafeItem = SecretProtector.declaredProblem(item.node());
          if (unsafeItem.isPresent()) {
            out.errors.add(new ManifestError(path, item.line(), unsafeItem.get()));
            continue;
          }
          extract(item, out);
        }
      } else {
        extract(doc, out);
      }
    }
    return new FileResult(out.resources, out.errors, out.warnings, DeclaredScopes.of(out.declares));
  }

  /** What the documents of one file produce, as they are extracted. */
  private static final class Output {
    final String path;
    final DeclaredScopes declared;
    final List<ManifestError> errors;
    final List<Resource> resources = new ArrayList<>();
    final List<ManifestError> warnings = new ArrayList<>();
    final Map<String, Boolean> declares = new HashMap<>();

    Output(String path, DeclaredScopes declared, List<ManifestError> errors) {
      this.path = path;
      this.declared = declared;
      this.errors = errors;
    }
  }

  /**
   * The content hash of a manifest: canonical JSON with Secret values replaced by their keyed
   * fingerprints, so that it is stable across runs although sealing is randomised.
   *
   * @throws IllegalArgumentException when a Secret value is malformed
   */
  public String contentHash(ObjectNode manifest) {
    return CanonicalJson.hash(secrets.protectManifest(manifest.deepCopy(), false));
  }

  /**
   * The largest manifest one desired event carries, in bytes of JSON: the record limit less room
   * for the event's other fields and headers. A larger one could never be published, so the
   * revision that declares it is rejected rather than retried for ever.
   */
  public static final int MAX_MANIFEST_BYTES = Topic.MAX_RECORD_BYTES - 256 * 1024;

  /** The size in bytes of the manifest as it goes to Kafka ({@link #sealed}). */
  public long encodedSize(ObjectNode manifest) {
    return sealed(manifest).toString().getBytes(StandardCharsets.UTF_8).length;
  }

  /** The manifest as it goes to Kafka: canonical, Secret values sealed. */
  public JsonNode sealed(ObjectNode manifest) {
    return CanonicalJson.canonicalize(secrets.protectManifest(manifest.deepCopy(), true));
  }

  private static boolean isList(JsonNode node) {
    return node.isObject()
        && LIST_KIND.equals(node.path("kind").asText())
        && "v1".equals(node.path("apiVersion").asText());
  }

  private void extract(LocatedDocument doc, Output out) {
    String path = out.path;
    List<ManifestError> errors = out.errors;
    JsonNode node = doc.node();
    if (!node.isObject()) {
      errors.add(
          new ManifestError(
              path, doc.line(), "a manifest must be a mapping, got " + node.getNodeType()));
      return;
    }
    int before = errors.size();
    String apiVersion = requiredText(doc, "/apiVersion", "apiVersion", path, errors);
    String kind = requiredText(doc, "/kind", "kind", path, errors);
    JsonNode metadata = node.get("metadata");
    String name = null;
    if (metadata == null || !metadata.isObject()) {
      errors.add(new ManifestError(path, doc.line(), "no metadata.name: metadata is missing"));
    } else {
      name = requiredText(doc, "/metadata/name", "metadata.name", path, errors);
      pathSegment(doc, "/metadata/name", "metadata.name", path, errors);
      pathSegment(doc, "/metadata/namespace", "metadata.namespace", path, errors);
    }
    if (errors.size() > before) {
      return;
    }
    String group =
        apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.lastIndexOf('/')) : "";
    if (ResourceKey.AWS_GROUP.equals(group)) {
      AwsSchemas.check(doc, path, errors);
    }
    String namespace = metadata.path("namespace").asText("");
    if (ResourceKey.AWS_GROUP.equals(group)) {
      // OpsLedger's own schema: strict, like every other field of an AWS kind.
      if (!namespace.isEmpty()) {
        errors.add(
            new ManifestError(
                path,
                doc.lineOf("/metadata/namespace"),
                kind + " is cluster-scoped: metadata.namespace must not be set"));
      }
      namespace = "";
    } else if (scopes.clusterScoped(group, kind, out.declared)) {
      if (metadata.has("namespace")) {
        // kubectl and the API server ignore it too; keeping it would give the object a key no
        // live object can ever have, so it would stay Missing for ever.
        if (!namespace.isEmpty()) {
          out.warnings.add(
              new ManifestError(
                  path,
                  doc.lineOf("/metadata/namespace"),
                  kind
                      + " "
                      + name
                      + " is cluster-scoped: metadata.namespace '"
                      + namespace
                      + "' is ignored"));
        }
        ((ObjectNode) metadata).remove("namespace");
      }
      namespace = "";
    } else if (namespace.isEmpty()) {
      namespace = defaultNamespace;
      ((ObjectNode) metadata).put("namespace", namespace);
    }
    if (errors.size() > before) {
      return;
    }
    DeclaredScopes.declaredBy(group, kind, node)
        .ifPresent(d -> out.declares.putIfAbsent(d.getKey(), d.getValue()));
    try {
      out.resources.add(
          new Resource(
              ResourceKey.of(target, group, kind, namespace, name), doc.line(), (ObjectNode) node));
    } catch (IllegalArgumentException e) {
      errors.add(
          new ManifestError(path, doc.line(), "invalid resource identity: " + e.getMessage()));
    }
  }

  /**
   * A name or namespace is a segment of the object's URL: the API server refuses {@code .}, {@code
   * ..} and any containing {@code /} or {@code %}. Such a name would otherwise be accepted here and
   * then applied to another URL than its own, or never.
   */
  private static void pathSegment(
      LocatedDocument doc, String pointer, String field, String path, List<ManifestError> errors) {
    JsonNode v = doc.node().at(pointer);
    if (!v.isTextual()) {
      return;
    }
    String text = v.asText();
    if (text.equals(".") || text.equals("..") || text.contains("/") || text.contains("%")) {
      errors.add(
          new ManifestError(
              path,
              doc.lineOf(pointer),
              field
                  + " '"
                  + text
                  + "' cannot name a Kubernetes object: '.', '..' and names containing '/' or"
                  + " '%' are refused by the API server"));
    }
  }

  private static String requiredText(
      LocatedDocument doc, String pointer, String field, String path, List<ManifestError> errors) {
    JsonNode v = doc.node().at(pointer);
    if (v.isMissingNode() || v.isNull()) {
      errors.add(new ManifestError(path, doc.line(), "no " + field));
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      errors.add(
          new ManifestError(path, doc.lineOf(pointer), field + " must be a non-empty string"));
      return null;
    }
    return v.asText();
  }
}
