package dev.opsledger.gitwatcher.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.opsledger.events.ManifestError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks, before Kustomize runs, what a kustomization and its local bases refer to. Kustomize would
 * fetch a remote base ({@code github.com/org/repo//dir?ref=v1}, {@code https://...}) over the
 * network, and would read a base directory anywhere on the machine: both are refused, so that a
 * revision renders from its own tree and nothing else.
 */
final class KustomizeReferences {

  /** The names Kustomize accepts for a kustomization file, in its order. */
  static final List<String> FILE_NAMES =
      List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

  private static final List<String> REFERENCE_FIELDS =
      List.of("resources", "bases", "components", "crds", "configurations", "openapi");
  private static final Pattern HOST_LIKE =
      Pattern.compile("^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(:[0-9]+)?/.*");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * The problems of the kustomization in {@code dir} and every local base it reaches.
   *
   * @param root the written tree, whose paths are repository paths
   * @param boundary the source's path in it; nothing outside may be referenced
   * @param dir the directory to build, inside {@code boundary}
   */
  static List<ManifestError> check(Path root, Path boundary, Path dir) {
    List<ManifestError> errors = new ArrayList<>();
    new KustomizeReferences(root, boundary.normalize())
        .visit(dir.normalize(), errors, new HashSet<>());
    return errors;
  }

  private final Path root;
  private final Path boundary;

  private KustomizeReferences(Path root, Path boundary) {
    this.root = root;
    this.boundary = boundary;
  }

  /** The kustomization file of a directory, or null when it has none. */
  static Path kustomizationFile(Path dir) {
    for (String name : FILE_NAMES) {
      Path f = dir.resolve(name);
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    return null;
  }

  private void visit(Path dir, List<ManifestError> errors, Set<Path> seen) {
    if (!seen.add(dir)) {
      return;
    }
    Path file = kustomizationFile(dir);
    if (file == null) {
      return;
    }
    String shown = root.relativize(file).toString().replace('\\', '/');
    JsonNode k;
    try {
      k = YAML.readTree(file.toFile());
    } catch (IOException e) {
      // Kustomize reports YAML errors with more context; let it.
      return;
    }
    if (k == null || !k.isObject()) {
      return;
    }
    for (String field : List.of("helmCharts", "helmChartInflationGenerator")) {
      if (k.has(field)) {
        errors.add(
            new ManifestError(
                shown,
                0,
                field
                    + " is refused: it would pull charts over the network; declare the chart as a"
                    + " Helm chart of the source (render.helm.charts)"));
      }
    }
    for (String field : REFERENCE_FIELDS) {
      JsonNode refs = k.get(field);
      List<String> values = new ArrayList<>();
      if (refs != null && refs.isArray()) {
        refs.forEach(r -> values.add(r.asText()));
      } else if (refs != null && refs.isObject() && refs.has("path")) {
        values.add(refs.get("path").asText());
      }
      for (String ref : values) {
        reference(dir, shown, field, ref, errors, seen);
      }
    }
  }

  private void reference(
      Path dir,
      String shown,
      String field,
      String ref,
      List<ManifestError> errors,
      Set<Path> seen) {
    if (isRemote(ref) || (HOST_LIKE.matcher(ref).matches() && !Files.exists(dir.resolve(ref)))) {
      errors.add(
          new ManifestError(
              shown,
              0,
              field
                  + " entry '"
                  + ref
                  + "' is a remote base: refused, OpsLedger renders a revision from its own tree"
                  + " without network (vendor the base into the repository)"));
      return;
    }
    Path target = dir.resolve(ref).normalize();
    if (ref.startsWith("/") || !target.startsWith(boundary)) {
      errors.add(
          new ManifestError(
              shown,
              0,
              field
                  + " entry '"
                  + ref
                  + "' leaves the source's path: only files of the revision under it can be"
                  + " rendered"));
      return;
    }
    if (Files.isDirectory(target)) {
      visit(target, errors, seen);
    }
  }

  /**
   * Unambiguously remote; a host-like path ({@code github.com/o/r}) is remote when not a local one.
   */
  private static boolean isRemote(String ref) {
    String r = ref.toLowerCase(Locale.ROOT);
    return r.contains("://")
        || r.startsWith("git@")
        || r.startsWith("git::")
        || r.contains("?ref=")
        || r.contains("&ref=");
  }
}
