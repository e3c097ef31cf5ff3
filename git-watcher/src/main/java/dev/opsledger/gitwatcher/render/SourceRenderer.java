package dev.opsledger.gitwatcher.render;

import dev.opsledger.events.ManifestError;
import dev.opsledger.gitwatcher.source.SourceSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the Kustomize paths and Helm charts of one source from a revision's tree. The Git edge
 * writes the tree ({@link TreeWriter}); this writes it to a fresh directory, renders every
 * configured path in configuration order, and deletes the directory, whatever happens.
 */
public final class SourceRenderer {

  /** Writes the part of a revision's tree under the source's path into a directory. */
  @FunctionalInterface
  public interface TreeWriter {
    /** Writes the tree into {@code root}, repository paths kept. */
    void writeTo(Path root) throws IOException;
  }

  private final SourceSettings source;
  private final KustomizeRenderer kustomize;
  private final HelmRenderer helm;
  private final Path workDir;

  /**
   * A renderer of one source.
   *
   * @param source the source, whose {@code render} settings are used
   * @param kustomize the Kustomize command; only needed when the source has Kustomize paths
   * @param timeout the longest one build or template may take
   * @param workDir where trees are written
   */
  public SourceRenderer(
      SourceSettings source, KustomizeBinary kustomize, Duration timeout, Path workDir) {
    if (kustomize == null && !source.render().kustomizePaths().isEmpty()) {
      throw new IllegalArgumentException("source " + source.id() + " needs a Kustomize command");
    }
    this.source = source;
    this.kustomize = kustomize == null ? null : new KustomizeRenderer(kustomize, timeout);
    this.helm = new HelmRenderer(timeout);
    this.workDir = workDir;
  }

  /**
   * Renders a revision.
   *
   * @param tree writes the revision's tree
   * @return the rendered files, or the errors that reject the revision
   * @throws UncheckedIOException when the tree cannot be written or a process not started
   *     (transient: the cycle is retried)
   */
  public RenderResult render(TreeWriter tree) {
    Path dir = null;
    try {
      Files.createDirectories(workDir);
      dir = Files.createTempDirectory(workDir, "opsledger-render-" + source.id() + "-");
      Path root = Files.createDirectory(dir.resolve("tree"));
      Path scratch = Files.createDirectory(dir.resolve("scratch"));
      tree.writeTo(root);
      List<RenderedFile> files = new ArrayList<>();
      List<ManifestError> errors = new ArrayList<>();
      for (String path : source.render().kustomizePaths()) {
        RenderResult r = kustomize.render(root, root.resolve(source.path()), path, scratch);
        files.addAll(r.files());
        errors.addAll(r.errors());
      }
      for (var chart : source.render().charts()) {
        RenderResult r = helm.render(root, chart, source.defaultNamespace());
        files.addAll(r.files());
        errors.addAll(r.errors());
      }
      return new RenderResult(files, errors);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render source " + source.id(), e);
    } finally {
      if (dir != null) {
        delete(dir);
      }
    }
  }

  private static void delete(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the render directory " + root, e);
    }
  }
}
