package dev.opsledger.gitwatcher.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.gitwatcher.GitWatcherConfiguration;
import dev.opsledger.gitwatcher.GitWatcherProperties;
import dev.opsledger.gitwatcher.GitWatcherSources;
import dev.opsledger.gitwatcher.source.RenderSettings;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.support.Watchers;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kustomize is found at start, or the service does not start. */
class RenderToolsTest {

  @TempDir Path dir;

  SourceSettings overlay(String id) {
    return Watchers.source(
        id, dir.toString(), "", new RenderSettings(List.of("overlays/prod"), List.of()));
  }

  @Test
  void missingKustomizeBinaryIsAStartUpErrorNamingTheSourceAndWhereItWasSearched() {
    Path empty = dir.resolve("bin");
    var props = properties(empty.toString());
    var sources = new GitWatcherSources(List.of(overlay("shop"), overlay("blog")));
    assertThatThrownBy(() -> new GitWatcherConfiguration().gitWatcherRenderTools(props, sources))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "source shop renders Kustomize paths [overlays/prod] but neither kustomize nor kubectl"
                + " is an executable in ["
                + empty
                + "]")
        .hasMessageContaining("source blog renders Kustomize paths")
        .hasMessageContaining("searched: opsledger.git-watcher.render.kustomize-search-path");
  }

  @Test
  void aSourceWithoutKustomizePathsStartsWithoutTheBinary() {
    var props = properties(dir.resolve("bin").toString());
    SourceSettings chart =
        Watchers.source(
            "charts",
            dir.toString(),
            "",
            new RenderSettings(
                List.of(), List.of(new RenderSettings.HelmChart("charts/web", List.of(), "web"))));
    RenderTools tools =
        new GitWatcherConfiguration()
            .gitWatcherRenderTools(props, new GitWatcherSources(List.of(chart)));
    // Helm's native library loaded at start: this machine's platform has one.
    assertThat(tools.kustomize()).isEmpty();
    assertThat(tools.rendererFor(chart)).isPresent();
  }

  @Test
  void kustomizeIsPreferredToKubectlAndKubectlFoundWhenAlone() throws Exception {
    Path a = executable(dir.resolve("a"), "kubectl");
    Path b = executable(dir.resolve("b"), "kustomize");
    assertThat(KustomizeBinary.find(a + File.pathSeparator + b).orElseThrow().command())
        .containsExactly(b.resolve("kustomize").toString(), "build");
    assertThat(KustomizeBinary.find(a.toString()).orElseThrow().command())
        .containsExactly(a.resolve("kubectl").toString(), "kustomize");
  }

  /** CI runs on this machine: kubectl is on its PATH, and rendering tests must not skip. */
  @Test
  void theProcessPathHasAKustomizeCommand() {
    assertThat(KustomizeBinary.find(System.getenv("PATH"))).isPresent();
  }

  private static Path executable(Path dir, String name) throws Exception {
    Files.createDirectories(dir);
    Path f = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
    f.toFile().setExecutable(true);
    return dir;
  }

  private GitWatcherProperties properties(String searchPath) {
    return new GitWatcherProperties(
        List.of(),
        dir.resolve("cache"),
        2097152,
        2,
        Duration.ofSeconds(60),
        1000,
        List.of(),
        null,
        new GitWatcherProperties.Rendering(Duration.ofSeconds(60), searchPath, dir),
        null);
  }
}
