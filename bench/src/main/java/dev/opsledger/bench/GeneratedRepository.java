package dev.opsledger.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Git repository of {@code n} resources, half ConfigMaps and half Deployments, spread over 10
 * namespaces that it also declares, one file per object as a real configuration repository has.
 * Committed with the git command line, so the benchmark exercises nothing of OpsLedger's own to
 * build its input.
 */
final class GeneratedRepository {

  static final int NAMESPACES = 10;

  private GeneratedRepository() {}

  /** Writes and commits the repository; returns how many resources it declares in all. */
  static int create(Path dir, int n) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    for (int ns = 0; ns < NAMESPACES; ns++) {
      String namespace = namespace(ns);
      Path nsDir = Files.createDirectories(dir.resolve(namespace));
      Files.writeString(
          nsDir.resolve("namespace.yaml"),
          "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + namespace + "\n");
    }
    for (int i = 0; i < n; i++) {
      String namespace = namespace(i % NAMESPACES);
      if (i % 2 == 0) {
        writeConfigMap(dir, i, greeting(i));
      } else {
        String name = String.format("web-%05d", i);
        Files.writeString(
            dir.resolve(namespace).resolve(name + ".yaml"), deployment(namespace, name, i));
      }
    }
    git(dir, "init", "-q", "-b", "main");
    commit(dir, n + " resources");
    return n + NAMESPACES;
  }

  /** The name of the ConfigMap of resource {@code i} (an even index). */
  static String configMapName(int i) {
    return String.format("cm-%05d", i);
  }

  /** The {@code greeting} the first commit declares for ConfigMap {@code i}. */
  static String greeting(int i) {
    return "hello from resource " + i;
  }

  /** The resource key of ConfigMap {@code i} under {@code opsledger up}'s default target. */
  static String configMapKey(int i) {
    return "sandbox/core/ConfigMap/" + namespace(i % NAMESPACES) + "/" + configMapName(i);
  }

  /** (Re)writes ConfigMap {@code i} (an even index) with this greeting; nothing else changes. */
  static void writeConfigMap(Path dir, int i, String greeting) throws IOException {
    String namespace = namespace(i % NAMESPACES);
    String name = configMapName(i);
    Files.writeString(
        dir.resolve(namespace).resolve(name + ".yaml"), configMap(namespace, name, i, greeting));
  }

  /** Commits everything with the git command line; returns the new revision's SHA. */
  static String commit(Path dir, String message) throws IOException, InterruptedException {
    git(dir, "add", "-A");
    git(
        dir,
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@opsledger.dev",
        "commit",
        "-q",
        "-m",
        message);
    Process p =
        new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "HEAD")
            .redirectErrorStream(true)
            .start();
    String sha = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0) {
      throw new IOException("git rev-parse HEAD failed in " + dir + ": " + sha);
    }
    return sha;
  }

  static String namespace(int i) {
    return String.format("bench-%02d", i);
  }

  private static String configMap(String namespace, String name, int i, String greeting) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: %s
          namespace: %s
          labels:
            app.kubernetes.io/part-of: bench
        data:
          index: "%d"
          greeting: %s
          settings.properties: |
            feature.a=true
            feature.b=false
            pool.size=%d
        """
        .formatted(name, namespace, i, greeting, 4 + i % 16);
  }

  private static String deployment(String namespace, String name, int i) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
          namespace: %s
          labels:
            app: %s
        spec:
          replicas: %d
          selector:
            matchLabels:
              app: %s
          template:
            metadata:
              labels:
                app: %s
            spec:
              containers:
                - name: web
                  image: nginx:1.27
                  ports:
                    - containerPort: 8080
                  resources:
                    requests:
                      cpu: 50m
                      memory: 64Mi
        """
        .formatted(name, namespace, name, 1 + i % 3, name, name);
  }

  private static void git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("git " + String.join(" ", args) + " failed in " + dir);
    }
  }
}
