package dev.opsledger.gitwatcher.render;

import com.marcnuri.helm.Helm;
import dev.opsledger.gitwatcher.source.SourceSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tools the configured sources need, found at start: a source with Kustomize paths and no
 * {@code kustomize} or {@code kubectl} to run is a start-up error naming the source and where the
 * binary was looked for, not a rejected commit later.
 *
 * @param kustomize the Kustomize command, when one was found
 * @param timeout the longest one render may take
 * @param workDir where revisions' trees are written for rendering
 */
public record RenderTools(Optional<KustomizeBinary> kustomize, Duration timeout, Path workDir) {

  /**
   * Finds the tools.
   *
   * @param searchPath where to look for the binaries ({@code PATH}-like); null or blank: the
   *     process's {@code PATH}
   * @param timeout the render timeout
   * @param workDir the render work directory; null: the temporary directory
   * @param sources the validated sources
   * @throws IllegalStateException listing every source that cannot render
   */
  public static RenderTools locate(
      String searchPath, Duration timeout, Path workDir, List<SourceSettings> sources) {
    boolean configured = searchPath != null && !searchPath.isBlank();
    String path = configured ? searchPath : System.getenv().getOrDefault("PATH", "");
    Optional<KustomizeBinary> binary = KustomizeBinary.find(path);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      SourceSettings s = sources.get(i);
      if (!s.render().kustomizePaths().isEmpty() && binary.isEmpty()) {
        problems.add(
            "source "
                + s.id()
                + " renders Kustomize paths "
                + s.render().kustomizePaths()
                + " but neither kustomize nor kubectl is an executable in "
                + KustomizeBinary.directories(path)
                + " (searched: "
                + (configured ? "opsledger.git-watcher.render.kustomize-search-path" : "PATH")
                + "); install one of them or set"
                + " opsledger.git-watcher.render.kustomize-search-path");
      }
    }
    List<String> charts =
        sources.stream().filter(s -> !s.render().charts().isEmpty()).map(s -> s.id()).toList();
    if (!charts.isEmpty()) {
      helmLibraryProblem()
          .ifPresent(
              p ->
                  problems.add(
                      "sources "
                          + charts
                          + " render Helm charts but Helm's native library cannot be loaded on "
                          + System.getProperty("os.name")
                          + "/"
                          + System.getProperty("os.arch")
                          + " (helm-java ships one jar per platform; linux-amd64 is on the"
                          + " classpath): "
                          + p));
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "git-watcher cannot render:\n  - " + String.join("\n  - ", problems));
    }
    Path dir = workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir"));
    return new RenderTools(binary, timeout, dir);
  }

  /**
   * Loads Helm's native library once (what the first render would do), so that a platform without
   * one is a start-up error rather than a rejected commit.
   */
  private static Optional<String> helmLibraryProblem() {
    try {
      Helm.version().call();
      return Optional.empty();
    } catch (RuntimeException | LinkageError e) {
      return Optional.of(e.toString());
    }
  }

  /** A renderer for a source that renders something, or none. */
  public Optional<SourceRenderer> rendererFor(SourceSettings source) {
    if (source.render().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SourceRenderer(source, kustomize.orElse(null), timeout, workDir));
  }
}
