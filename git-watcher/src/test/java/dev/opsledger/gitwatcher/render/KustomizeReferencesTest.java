package dev.opsledger.gitwatcher.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ManifestError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a kustomization may refer to before Kustomize is allowed to run on it. */
class KustomizeReferencesTest {

  @TempDir Path root;

  List<ManifestError> check(String overlay) throws Exception {
    Path dir = Files.createDirectories(root.resolve("deploy/prod"));
    Files.writeString(dir.resolve("kustomization.yaml"), overlay);
    return KustomizeReferences.check(root, root.resolve("deploy"), dir);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://github.com/kubernetes-sigs/kustomize/examples/helloWorld?ref=v3.3.1",
        "github.com/kubernetes-sigs/kustomize//examples/multibases?ref=v1.0.6",
        "git@github.com:org/repo.git//base",
        "ssh://git@example.com/org/repo.git",
        "git::https://example.com/org/repo",
        "gitlab.com/org/repo/base",
        "https://raw.githubusercontent.com/org/repo/main/deploy.yaml"
      })
  void remoteReferencesAreRefused(String ref) throws Exception {
    assertThat(check("resources:\n  - \"" + ref + "\"\n"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.file()).isEqualTo("deploy/prod/kustomization.yaml");
              assertThat(e.reason()).contains("'" + ref + "' is a remote base: refused");
            });
  }

  @Test
  void basesOutsideTheSourcePathOrAbsoluteAreRefused() throws Exception {
    Files.createDirectories(root.resolve("elsewhere"));
    assertThat(check("bases:\n  - ../../elsewhere\ncomponents:\n  - /etc\n"))
        .extracting(ManifestError::reason)
        .containsExactly(
            "bases entry '../../elsewhere' leaves the source's path: only files of the revision"
                + " under it can be rendered",
            "components entry '/etc' leaves the source's path: only files of the revision under it"
                + " can be rendered");
  }

  @Test
  void aRemoteBaseReachedThroughALocalBaseIsRefusedAtTheBase() throws Exception {
    Path base = Files.createDirectories(root.resolve("deploy/base"));
    Files.writeString(
        base.resolve("kustomization.yaml"), "resources:\n  - https://example.com/x.yaml\n");
    assertThat(check("resources:\n  - ../base\n"))
        .singleElement()
        .extracting(ManifestError::file)
        .isEqualTo("deploy/base/kustomization.yaml");
  }

  @Test
  void helmChartInflationIsRefused() throws Exception {
    assertThat(check("helmCharts:\n  - name: redis\n    repo: https://charts.example.com\n"))
        .singleElement()
        .extracting(ManifestError::reason)
        .asString()
        .startsWith("helmCharts is refused: it would pull charts over the network");
  }

  @Test
  void localDirectoriesThatLookLikeHostsAndCyclesAreFine() throws Exception {
    Path v2 = Files.createDirectories(root.resolve("deploy/prod/app.v2/base"));
    Files.writeString(v2.resolve("kustomization.yaml"), "resources:\n  - ../../\n");
    assertThat(check("resources:\n  - app.v2/base\n  - deployment.yaml\n")).isEmpty();
  }
}
