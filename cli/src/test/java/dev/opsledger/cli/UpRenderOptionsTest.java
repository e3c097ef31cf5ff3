package dev.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code up --kustomize} and {@code --helm-chart} become the render settings of its source. */
class UpRenderOptionsTest {

  private static final String RENDER = "opsledger.git-watcher.sources[0].render.";

  @Test
  void kustomizeDirectoriesAndChartsWithTheirValuesBecomeTheSourcesRenderSettings() {
    UpCommand up = new UpCommand();
    new CommandLine(up)
        .parseArgs(
            "--kustomize",
            "deploy/overlays/prod",
            "--kustomize",
            "deploy/overlays/eu",
            "--helm-chart",
            "charts/web:charts/web/values.yaml,env/prod.yaml",
            "--helm-chart",
            "charts/db");

    Map<String, Object> p = UpCommand.renderProperties(up.kustomize, up.helmCharts);

    assertThat(p)
        .containsExactly(
            Map.entry(RENDER + "kustomize.paths[0]", "deploy/overlays/prod"),
            Map.entry(RENDER + "kustomize.paths[1]", "deploy/overlays/eu"),
            Map.entry(RENDER + "helm.charts[0].path", "charts/web"),
            Map.entry(RENDER + "helm.charts[0].values", "charts/web/values.yaml,env/prod.yaml"),
            Map.entry(RENDER + "helm.charts[1].path", "charts/db"));
  }

  @Test
  void noOptionsRenderNothing() {
    assertThat(UpCommand.renderProperties(List.of(), List.of())).isEmpty();
  }

  @Test
  void aChartWithoutADirectoryIsAUsageError() {
    assertThatThrownBy(() -> UpCommand.renderProperties(List.of(), List.of(":values.yaml")))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("--helm-chart needs a chart directory");
  }
}
