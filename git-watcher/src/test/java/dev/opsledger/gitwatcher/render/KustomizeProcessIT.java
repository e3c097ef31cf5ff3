package dev.opsledger.gitwatcher.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ManifestError;
import dev.opsledger.gitwatcher.source.RenderSettings;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.support.Watchers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kustomize process: bounded in time, and nothing of a render left on disk. */
class KustomizeProcessIT {

  @TempDir Path dir;

  SourceSettings source() {
    return Watchers.source(
        "hang", dir.toString(), "", new RenderSettings(List.of("prod"), List.of()));
  }

  void writeOverlay(Path root) throws java.io.IOException {
    Files.createDirectories(root.resolve("prod"));
    Files.writeString(root.resolve("prod/kustomization.yaml"), "resources: []\n");
  }

  @Test
  void aKustomizeThatHangsIsStoppedAtTheTimeoutAndRejectsTheRevision() throws Exception {
    // A stand-in for a Kustomize stuck on a hostile input: it would run for a minute.
    KustomizeBinary hanging = new KustomizeBinary(List.of("/bin/sh", "-c", "exec sleep 60", "--"));
    Path work = dir.resolve("work");
    SourceRenderer renderer = new SourceRenderer(source(), hanging, Duration.ofMillis(500), work);
    long start = System.nanoTime();
    RenderResult result = renderer.render(this::writeOverlay);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(result.files()).isEmpty();
    assertThat(result.errors())
        .containsExactly(new ManifestError("prod", 0, hanging + " did not finish within PT0.5S"));
    assertNothingLeftIn(work);
  }

  @Test
  void theRealKustomizeRendersAndLeavesNothingBehind() throws Exception {
    Path work = dir.resolve("work");
    RenderTools tools = RenderTools.locate(null, Duration.ofSeconds(60), work, List.of(source()));
    RenderResult result =
        tools
            .rendererFor(source())
            .orElseThrow()
            .render(
                root -> {
                  writeOverlay(root);
                  Files.writeString(
                      root.resolve("prod/kustomization.yaml"),
                      "configMapGenerator:\n  - name: c\n    literals: [a=b]\n");
                });
    assertThat(result.errors()).isEmpty();
    assertThat(result.files())
        .singleElement()
        .extracting(RenderedFile::path)
        .isEqualTo("prod (kustomize)");
    assertNothingLeftIn(work);
  }

  private static void assertNothingLeftIn(Path work) throws java.io.IOException {
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left).isEmpty();
    }
  }
}
