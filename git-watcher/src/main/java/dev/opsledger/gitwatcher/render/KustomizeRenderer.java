package dev.opsledger.gitwatcher.render;

import dev.opsledger.events.ManifestError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Builds one Kustomize directory of a written revision with the Kustomize binary. */
final class KustomizeRenderer {

  /** Output beyond this is not read: the revision's size cap rejects it anyway. */
  static final long MAX_OUTPUT_BYTES = 64L * 1024 * 1024;

  private static final int MAX_REASON_CHARS = 2000;

  /**
   * A proxy on the discard port of the loopback: a connection Kustomize might still try is refused
   * at once, never sent anywhere.
   */
  private static final String NO_PROXY_TARGET = "http://127.0.0.1:9";

  private final KustomizeBinary binary;
  private final Duration timeout;

  KustomizeRenderer(KustomizeBinary binary, Duration timeout) {
    this.binary = binary;
    this.timeout = timeout;
  }

  /**
   * Renders {@code path} of the tree written under {@code root}.
   *
   * @param boundary the source's path in the written tree: nothing outside it may be referenced
   * @param scratch a directory for the process's output, outside {@code root}
   * @throws IOException when the process cannot be started or its output read (transient)
   */
  RenderResult render(Path root, Path boundary, String path, Path scratch) throws IOException {
    String shown = path + " (kustomize)";
    Path dir = root.resolve(path);
    if (!Files.isDirectory(dir) || KustomizeReferences.kustomizationFile(dir) == null) {
      return failed(
          path, "no kustomization.yaml (or kustomization.yml, Kustomization) in this revision");
    }
    List<ManifestError> refused = KustomizeReferences.check(root, boundary, dir);
    if (!refused.isEmpty()) {
      return new RenderResult(List.of(), refused);
    }
    Path out = Files.createTempFile(scratch, "kustomize-", ".out");
    Path err = Files.createTempFile(scratch, "kustomize-", ".err");
    List<String> command = new ArrayList<>(binary.command());
    command.add(path);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    offline(pb.environment());
    Process process = pb.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return failed(path, binary + " did not finish within " + timeout);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while rendering " + shown, e);
    }
    if (process.exitValue() != 0) {
      String reason = Files.readString(err, StandardCharsets.UTF_8).strip();
      reason = reason.replace(root.toString() + "/", "").replace(root.toString(), "");
      if (reason.length() > MAX_REASON_CHARS) {
        reason = reason.substring(0, MAX_REASON_CHARS) + "...";
      }
      return failed(path, "kustomize build failed: " + reason);
    }
    long size = Files.size(out);
    if (size > MAX_OUTPUT_BYTES) {
      return failed(path, "kustomize build printed " + size + " bytes, over " + MAX_OUTPUT_BYTES);
    }
    return new RenderResult(List.of(new RenderedFile(shown, Files.readAllBytes(out))), List.of());
  }

  /**
   * Kustomize fetches remote bases with Git or HTTP; those references are refused before it runs,
   * and this keeps any left over from reaching the network: every proxy points to a closed port and
   * Git may use no transport at all.
   */
  private static void offline(Map<String, String> env) {
    for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) {
      env.put(name, NO_PROXY_TARGET);
    }
    env.remove("NO_PROXY");
    env.remove("no_proxy");
    env.put("GIT_ALLOW_PROTOCOL", "none");
    env.put("GIT_TERMINAL_PROMPT", "0");
  }

  private static RenderResult failed(String path, String reason) {
    return new RenderResult(List.of(), List.of(new ManifestError(path, 0, reason)));
  }
}
