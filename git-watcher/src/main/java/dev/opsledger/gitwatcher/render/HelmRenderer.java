package dev.opsledger.gitwatcher.render;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.opsledger.events.ManifestError;
import dev.opsledger.gitwatcher.source.RenderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Renders one chart of a written revision in-process, with the Helm library that helm-java ships
 * (no {@code helm} binary), as {@code helm template RELEASE CHART -n NAMESPACE -f values...}. No
 * dependency update is run, so nothing is fetched: a chart's dependencies must be vendored in its
 * {@code charts/} directory.
 */
final class HelmRenderer {

  private static final int MAX_REASON_CHARS = 2000;

  /**
   * Helm runs in native code that cannot be interrupted: a render that times out is abandoned on
   * this daemon thread, and the revision is rejected.
   */
  private static final ExecutorService HELM =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "opsledger-helm-template");
            t.setDaemon(true);
            return t;
          });

  private final Duration timeout;

  HelmRenderer(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * Renders {@code chart} of the tree written under {@code root}.
   *
   * @param namespace {@code .Release.Namespace}
   */
  RenderResult render(Path root, RenderSettings.HelmChart chart, String namespace) {
    Path dir = root.resolve(chart.path());
    if (!Files.isRegularFile(dir.resolve("Chart.yaml"))) {
      return failed(chart.path(), "no Chart.yaml in this revision");
    }
    for (String values : chart.values()) {
      if (!Files.isRegularFile(root.resolve(values))) {
        return failed(values, "values file of chart " + chart.path() + " is not in this revision");
      }
    }
    TemplateCommand template =
        new Helm(dir).template().withName(chart.releaseName()).withNamespace(namespace);
    for (String values : chart.values()) {
      template = template.withValuesFile(root.resolve(values));
    }
    TemplateCommand command = template;
    Future<String> rendering = HELM.submit(command::call);
    try {
      String output = rendering.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new RenderResult(HelmOutput.split(chart.path(), output), List.of());
    } catch (TimeoutException e) {
      rendering.cancel(true);
      return failed(chart.path(), "helm template did not finish within " + timeout);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String reason = String.valueOf(cause.getMessage()).strip();
      reason = reason.replace(root.toString() + "/", "").replace(root.toString(), "");
      if (reason.length() > MAX_REASON_CHARS) {
        reason = reason.substring(0, MAX_REASON_CHARS) + "...";
      }
      return failed(chart.path(), "helm template failed: " + reason);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while rendering chart " + chart.path(), e);
    }
  }

  private static RenderResult failed(String path, String reason) {
    return new RenderResult(List.of(), List.of(new ManifestError(path, 0, reason)));
  }
}
