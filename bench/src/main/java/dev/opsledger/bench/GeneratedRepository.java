package dev.opsledger.bench;

import java.io.IOException;
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
      String name = String.format("%s-%05d", i % 2 == 0 ? "cm" : "web", i);
      String body = i % 2 == 0 ? configMap(namespace, name, i) : deployment(namespace, name, i);
      Files.writeString(dir.resolve(namespace).resolve(name + ".yaml"), body);
    }
    git(dir, "init", "-q", "-b", "main");
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
        n + " resources");
    return n + NAMESPACES;
  }

  static String namespace(int i) {
    return String.format("bench-%02d", i);
  }

  private static String configMap(String namespace, String name, int i) {
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
          greeting: hello from resource %d
          settings.properties: |
            feature.a=true
            feature.b=false
            pool.size=%d
        """
        .formatted(name, namespace, i, i, 4 + i % 16);
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
