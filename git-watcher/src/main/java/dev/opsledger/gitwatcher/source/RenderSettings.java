package dev.opsledger.gitwatcher.source;

import java.util.ArrayList;
import java.util.List;

/**
 * How a source's directories are rendered before validation: Kustomize overlays and Helm charts.
 * Every path is relative to the repository root, normalised (no leading, trailing or doubled slash)
 * and inside the source's path. Files under a rendered directory are inputs, never read as plain
 * manifests.
 *
 * @param kustomizePaths directories built with {@code kustomize build}
 * @param charts charts rendered with {@code helm template}
 */
public record RenderSettings(List<String> kustomizePaths, List<HelmChart> charts) {

  /** Nothing rendered: every manifest file is read as it is. */
  public static final RenderSettings NONE = new RenderSettings(List.of(), List.of());

  /** Copies the lists. */
  public RenderSettings {
    kustomizePaths = List.copyOf(kustomizePaths);
    charts = List.copyOf(charts);
  }

  /**
   * One chart rendered as {@code helm template <releaseName> <path> -f values...}.
   *
   * @param path the chart directory (holding {@code Chart.yaml})
   * @param values values files in the order helm applies them (later ones win)
   * @param releaseName {@code .Release.Name}
   */
  public record HelmChart(String path, List<String> values, String releaseName) {
    /** Copies the list. */
    public HelmChart {
      values = List.copyOf(values);
    }
  }

  /** Whether nothing is rendered. */
  public boolean isEmpty() {
    return kustomizePaths.isEmpty() && charts.isEmpty();
  }

  /** Directories whose files are render inputs: the Kustomize paths and the chart directories. */
  public List<String> inputDirectories() {
    List<String> dirs = new ArrayList<>(kustomizePaths);
    charts.forEach(c -> dirs.add(c.path()));
    return dirs;
  }

  /** Values files named by the charts, wherever they are. */
  public List<String> valuesFiles() {
    return charts.stream().flatMap(c -> c.values().stream()).distinct().toList();
  }

  /** Whether {@code path} is {@code dir} or below it. */
  public static boolean isUnder(String path, String dir) {
    return dir.isEmpty() || path.equals(dir) || path.startsWith(dir + "/");
  }
}
