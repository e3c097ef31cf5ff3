package dev.opsledger.testkit.kube;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the kube-apiserver and etcd binaries are: {@code OPSLEDGER_KUBE_BINARIES} if set; else what
 * {@code sandbox/kube/build.sh} prints (it builds them into the per-machine cache when they are
 * missing, and is a no-op otherwise) when the script is found above the working directory and Go is
 * on PATH; else the newest build already in the cache.
 */
record KubeBinaries(Path apiserver, Path etcd) {

  /** The environment variable that names a directory with both binaries. */
  static final String BINARIES_ENV = "OPSLEDGER_KUBE_BINARIES";

  private static final Logger LOG = LoggerFactory.getLogger(KubeBinaries.class);
  private static final String BUILD_SCRIPT = "sandbox/kube/build.sh";

  static KubeBinaries locate() {
    String explicit = System.getenv(BINARIES_ENV);
    if (explicit != null && !explicit.isBlank()) {
      return in(Path.of(explicit.trim()))
          .orElseThrow(
              () ->
                  new RealKubernetes.Unavailable(
                      BINARIES_ENV + "=" + explicit + " holds no kube-apiserver and etcd"));
    }
    Optional<Path> script = buildScript();
    boolean go = onPath("go");
    if (script.isPresent() && go) {
      return build(script.get());
    }
    return cached()
        .orElseThrow(
            () ->
                new RealKubernetes.Unavailable(
                    (go
                            ? BUILD_SCRIPT + " is not above " + System.getProperty("user.dir")
                            : "Go is not on PATH")
                        + ", so kube-apiserver and etcd cannot be built from their Go modules, and"
                        + " none are in "
                        + cacheRoot()));
  }

  private static KubeBinaries build(Path script) {
    LOG.info(
        "checking the kube-apiserver and etcd build ({}); a first build takes ~20 min", script);
    List<String> output = new ArrayList<>();
    try {
      Process process =
          new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      try (InputStream in = process.getInputStream()) {
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (!line.isBlank()) {
            output.add(line);
          }
        }
      }
      int exit = process.waitFor();
      output.stream().filter(l -> l.startsWith("build.sh:")).forEach(LOG::info);
      if (exit != 0 || output.isEmpty()) {
        throw new RealKubernetes.Unavailable(
            script + " failed (exit " + exit + "): " + String.join("\n", tail(output)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the Kubernetes binaries", e);
    }
    Path dir = Path.of(output.get(output.size() - 1));
    return in(dir)
        .orElseThrow(
            () -> new RealKubernetes.Unavailable(script + " printed " + dir + " without binaries"));
  }

  private static List<String> tail(List<String> lines) {
    return lines.subList(Math.max(0, lines.size() - 20), lines.size());
  }

  private static Optional<KubeBinaries> cached() {
    Path root = cacheRoot();
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("k8s-"))
          .sorted(Comparator.reverseOrder())
          .map(KubeBinaries::in)
          .flatMap(Optional::stream)
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The cache {@code build.sh} writes to, by the same rule. */
  static Path cacheRoot() {
    String explicit = System.getenv("OPSLEDGER_KUBE_CACHE");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("opsledger").resolve("kube");
  }

  private static Optional<KubeBinaries> in(Path dir) {
    Path apiserver = dir.resolve("kube-apiserver");
    Path etcd = dir.resolve("etcd");
    return Files.isExecutable(apiserver) && Files.isExecutable(etcd)
        ? Optional.of(new KubeBinaries(apiserver, etcd))
        : Optional.empty();
  }

  private static Optional<Path> buildScript() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        dir != null;
        dir = dir.getParent()) {
      Path script = dir.resolve(BUILD_SCRIPT);
      if (Files.isRegularFile(script)) {
        return Optional.of(script);
      }
    }
    return Optional.empty();
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
