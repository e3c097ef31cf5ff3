package dev.opsledger.testkit.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes API server for tests: etcd and kube-apiserver as processes on 127.0.0.1, as
 * controller-runtime's envtest runs them, from the binaries {@code sandbox/kube/build.sh} builds
 * from their Go modules.
 *
 * <ul>
 *   <li>etcd keeps its data in a temporary directory, on free loopback ports;
 *   <li>kube-apiserver serves HTTPS with a CA and a serving certificate generated at start, signs
 *       service-account tokens with a key generated at start, authenticates two users by static
 *       token ({@value #ADMIN} in {@code system:masters}, {@value #RESTRICTED} with no role until a
 *       test binds one, so RBAC is real) and runs the default admission plugins except
 *       ServiceAccount (no controller creates the default service accounts);
 *   <li>there is no kubelet and no controller: nothing reconciles (a Deployment gets no Pods and no
 *       status unless a test patches it as a controller would), and deleted namespaces stay {@code
 *       Terminating}, so tests work in namespaces of their own.
 * </ul>
 *
 * <p>{@link #shared()} gives one server per test JVM, stopped by a shutdown hook. Both processes
 * also stop by themselves when the JVM is gone (they watch their parent), so a killed test JVM
 * leaves nothing behind. Tests usually reach it through {@link RealKubernetesExtension}.
 */
public final class RealKubernetes implements AutoCloseable {

  /** The user in {@code system:masters}: may do anything. */
  public static final String ADMIN = "admin";

  /** A user with no role binding: RBAC forbids everything until a test grants something. */
  public static final String RESTRICTED = "restricted";

  private static final Logger LOG = LoggerFactory.getLogger(RealKubernetes.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final String TEMP_PREFIX = "opsledger-real-kube";
  private static final String OWNER_FILE = "owner.pid";
  private static RealKubernetes shared;
  private static RuntimeException sharedFailure;

  private final Path dir;
  private final Certificates certificates;
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private final List<ServerProcess> processes = new ArrayList<>();
  private final int port;
  private String etcdUrl;
  private KubeBinaries binaries;
  private Duration startTime;
  private KubernetesClient client;
  private boolean closed;

  /** A server that could not be started because its binaries are unavailable (no Go). */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super(message);
    }
  }

  private RealKubernetes(Path dir) {
    this.dir = dir;
    this.certificates = Certificates.generate(dir);
    this.port = freePort();
    SecureRandom random = new SecureRandom();
    for (String user : List.of(ADMIN, RESTRICTED)) {
      byte[] token = new byte[24];
      random.nextBytes(token);
      tokens.put(user, HexFormat.of().formatHex(token));
    }
  }

  /**
   * The server of this JVM, started on first use (building the binaries first if needed) and
   * stopped at JVM exit.
   *
   * @throws Unavailable if the binaries are missing and cannot be built (no Go on PATH)
   */
  public static synchronized RealKubernetes shared() {
    if (sharedFailure != null) {
      throw sharedFailure;
    }
    if (shared == null) {
      try {
        KubeBinaries binaries = KubeBinaries.locate();
        Path dir = Files.createTempDirectory(TEMP_PREFIX);
        deleteAbandonedDirectories(dir.getParent());
        Files.writeString(dir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
        RealKubernetes server = new RealKubernetes(dir);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "real-kubernetes-stop"));
        server.start(binaries);
        shared = server;
      } catch (IOException e) {
        sharedFailure = new UncheckedIOException("cannot create a directory for the API server", e);
        throw sharedFailure;
      } catch (RuntimeException e) {
        sharedFailure = e;
        throw e;
      }
    }
    return shared;
  }

  /**
   * Starts a server of its own in {@code dir} (most tests want {@link #shared()}); the caller
   * closes it.
   */
  public static RealKubernetes start(Path dir) {
    RealKubernetes server = new RealKubernetes(dir);
    try {
      server.start(KubeBinaries.locate());
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void start(KubeBinaries binaries) {
    this.binaries = binaries;
    long t0 = System.nanoTime();
    this.etcdUrl = startEtcd(binaries.etcd());
    long etcdReady = System.nanoTime();
    startApiServer(binaries.apiserver(), etcdUrl);
    waitUntilReady();
    this.startTime = Duration.ofNanos(System.nanoTime() - t0);
    writeKubeconfig(dir.resolve("kubeconfig"), ADMIN);
    LOG.info(
        "real Kubernetes API server {} ready at {} in {} ms (etcd {} ms); kubeconfig {}",
        version(),
        url(),
        startTime.toMillis(),
        Duration.ofNanos(etcdReady - t0).toMillis(),
        kubeconfig());
  }

  private String startEtcd(Path binary) {
    int client = freePort();
    int peer = freePort();
    String clientUrl = "http://127.0.0.1:" + client;
    String peerUrl = "http://127.0.0.1:" + peer;
    ServerProcess etcd =
        ServerProcess.start(
            "etcd",
            List.of(
                binary.toString(),
                "--name=default",
                "--data-dir=" + dir.resolve("etcd"),
                "--listen-client-urls=" + clientUrl,
                "--advertise-client-urls=" + clientUrl,
                "--listen-peer-urls=" + peerUrl,
                "--initial-advertise-peer-urls=" + peerUrl,
                "--initial-cluster=default=" + peerUrl,
                // Test data is thrown away: no fsync makes every write much cheaper.
                "--unsafe-no-fsync=true",
                "--log-level=warn"),
            dir.resolve("etcd.log"));
    processes.add(etcd);
    HttpClient http = HttpClient.newHttpClient();
    await("etcd answers /health at " + clientUrl)
        .until(
            () -> {
              etcd.checkAlive();
              return ok(http, HttpRequest.newBuilder(URI.create(clientUrl + "/health")));
            });
    return clientUrl;
  }

  private void startApiServer(Path binary, String etcdUrl) {
    Path tokenFile = dir.resolve("tokens.csv");
    try {
      Files.writeString(
          tokenFile,
          tokens.get(ADMIN)
              + ","
              + ADMIN
              + ",uid-admin,\"system:masters\"\n"
              + tokens.get(RESTRICTED)
              + ","
              + RESTRICTED
              + ",uid-restricted\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String issuer = "https://127.0.0.1:" + port;
    ServerProcess apiserver =
        ServerProcess.start(
            "kube-apiserver",
            List.of(
                binary.toString(),
                "--etcd-servers=" + etcdUrl,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--secure-port=" + port,
                "--cert-dir=" + dir.resolve("cert-dir"),
                "--tls-cert-file=" + certificates.servingCert,
                "--tls-private-key-file=" + certificates.servingKey,
                "--token-auth-file=" + tokenFile,
                "--authorization-mode=RBAC",
                "--service-account-issuer=" + issuer,
                "--service-account-key-file=" + certificates.serviceAccountPublicKey,
                "--service-account-signing-key-file=" + certificates.serviceAccountPrivateKey,
                "--service-cluster-ip-range=10.0.0.0/24",
                "--allow-privileged=true",
                // No controller creates the default service accounts this plugin requires.
                "--disable-admission-plugins=ServiceAccount",
                // The endpoints of the "kubernetes" Service may not be a loopback address.
                "--endpoint-reconciler-type=none",
                // The watch cache keeps every event of a small test cluster, so no watch is ever
                // "too old" there. PodTemplates (which no test otherwise uses) bypass it and are
                // watched in etcd: after compact(), a watch from before is answered 410 Gone.
                "--watch-cache-sizes=podtemplates#0",
                "--profiling=false"),
            dir.resolve("kube-apiserver.log"));
    processes.add(apiserver);
  }

  private void waitUntilReady() {
    HttpClient http = HttpClient.newBuilder().sslContext(sslContext()).build();
    ServerProcess apiserver = processes.get(processes.size() - 1);
    await("kube-apiserver answers /readyz at " + url())
        .until(
            () -> {
              processes.forEach(ServerProcess::checkAlive);
              return ok(
                  http,
                  HttpRequest.newBuilder(URI.create(url() + "/readyz"))
                      .header("Authorization", "Bearer " + tokens.get(ADMIN)));
            });
    // /readyz waits for the RBAC bootstrap; the default namespace comes just after it.
    RuntimeException[] last = new RuntimeException[1];
    try {
      await("the default namespace exists")
          .until(
              () -> {
                apiserver.checkAlive();
                try {
                  return client().namespaces().withName("default").get() != null;
                } catch (RuntimeException e) {
                  last[0] = e;
                  throw e;
                }
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      if (last[0] != null) {
        e.addSuppressed(last[0]);
      }
      throw e;
    }
  }

  private static boolean ok(HttpClient http, HttpRequest.Builder request) {
    try {
      return http.send(
                  request.timeout(Duration.ofSeconds(5)).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static org.awaitility.core.ConditionFactory await(String what) {
    return Awaitility.await(what)
        .atMost(START_TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsMatching(e -> !(e instanceof IllegalStateException));
  }

  /** The API server URL, e.g. {@code https://127.0.0.1:38211}. */
  public String url() {
    return "https://127.0.0.1:" + port;
  }

  /** How long etcd and kube-apiserver took to become ready. */
  public Duration startTime() {
    return startTime;
  }

  /** The server's {@code gitVersion}, e.g. {@code v1.37.2}. */
  public String version() {
    return client().getKubernetesVersion().getGitVersion();
  }

  /** A fabric8 client as {@value #ADMIN} (namespace {@code default}), closed with the server. */
  public synchronized KubernetesClient client() {
    if (client == null) {
      client = new KubernetesClientBuilder().withConfig(config(ADMIN)).build();
    }
    return client;
  }

  /** A new fabric8 client as {@code user}; the caller closes it. */
  public KubernetesClient client(String user) {
    return new KubernetesClientBuilder().withConfig(config(user)).build();
  }

  /** The fabric8 configuration of {@code user} ({@value #ADMIN} or {@value #RESTRICTED}). */
  public Config config(String user) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withCaCertData(caData())
        .withOauthToken(token(user))
        .withNamespace("default")
        .build();
  }

  /** The bearer token of {@code user}. */
  public String token(String user) {
    String token = tokens.get(user);
    if (token == null) {
      throw new IllegalArgumentException("no such user: " + user + " (" + tokens.keySet() + ")");
    }
    return token;
  }

  /** The kubeconfig of {@value #ADMIN} (context {@code opsledger-real}). */
  public Path kubeconfig() {
    return dir.resolve("kubeconfig");
  }

  /** Writes a kubeconfig for {@code user} (context {@code opsledger-real}) and returns its path. */
  public Path writeKubeconfig(Path file, String user) {
    String context = "opsledger-real";
    String kubeconfig =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: " + context,
            "  cluster:",
            "    server: " + url(),
            "    certificate-authority-data: " + caData(),
            "contexts:",
            "- name: " + context,
            "  context:",
            "    cluster: " + context,
            "    user: " + user,
            "    namespace: default",
            "current-context: " + context,
            "users:",
            "- name: " + user,
            "  user:",
            "    token: " + token(user),
            "");
    try {
      Files.writeString(file, kubeconfig);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Compacts etcd's history up to now, as kube-apiserver itself does every five minutes: a watch or
   * list from an older resourceVersion is then answered 410 Gone ("too old resource version").
   */
  public void compact() {
    HttpClient http = HttpClient.newHttpClient();
    try {
      // Any range read returns the current revision in its header.
      HttpResponse<String> range =
          http.send(
              HttpRequest.newBuilder(URI.create(etcdUrl + "/v3/kv/range"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"AA==\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      java.util.regex.Matcher revision =
          java.util.regex.Pattern.compile("\"revision\":\"?(\\d+)").matcher(range.body());
      if (!revision.find()) {
        throw new IllegalStateException("etcd did not tell its revision: " + range.body());
      }
      HttpResponse<String> compaction =
          http.send(
              HttpRequest.newBuilder(URI.create(etcdUrl + "/v3/kv/compaction"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"revision\":\"" + revision.group(1) + "\",\"physical\":true}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (compaction.statusCode() != 200) {
        throw new IllegalStateException("etcd refused the compaction: " + compaction.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach etcd at " + etcdUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Finishes a foreground deletion of a ConfigMap as the garbage collector would: this server runs
   * no kube-controller-manager, so an object deleted with {@code Foreground} propagation keeps its
   * {@code foregroundDeletion} finalizer for ever. Does nothing to an object not being deleted.
   */
  public static void collectGarbage(KubernetesClient client, String namespace, String name) {
    var live = client.configMaps().inNamespace(namespace).withName(name);
    var cm = live.get();
    if (cm != null
        && cm.getMetadata().getDeletionTimestamp() != null
        && cm.getMetadata().getFinalizers().contains("foregroundDeletion")) {
      live.edit(
          c -> {
            c.getMetadata().getFinalizers().remove("foregroundDeletion");
            return c;
          });
    }
  }

  /**
   * Stops kube-apiserver (SIGTERM), leaving etcd and its data: an API server outage as clients see
   * it, connections refused. Only for a server of one's own ({@link #start}), never {@link
   * #shared()}.
   */
  public synchronized void stopApiServer() {
    if (this == shared) {
      throw new IllegalStateException("the shared API server is not to be stopped");
    }
    processes.get(processes.size() - 1).stop();
  }

  /**
   * Starts kube-apiserver again after {@link #stopApiServer()}, on the same port, certificates and
   * etcd, and returns once it is ready: the objects from before the outage are all there.
   */
  public void restartApiServer() {
    // Not synchronized as a whole: waitUntilReady evaluates client() (synchronized) on an
    // Awaitility thread, which must not wait for this one.
    synchronized (this) {
      ServerProcess old = processes.remove(processes.size() - 1);
      if (old.isAlive()) {
        processes.add(old);
        throw new IllegalStateException("kube-apiserver is running; stop it first");
      }
      // The admin client's pooled connections went with the old process: start afresh.
      if (client != null) {
        client.close();
        client = null;
      }
      startApiServer(binaries.apiserver(), etcdUrl);
    }
    waitUntilReady();
  }

  /** The pids of etcd and kube-apiserver, for tests that check nothing is left behind. */
  public List<Long> pids() {
    return processes.stream().map(ServerProcess::pid).toList();
  }

  /** Stops kube-apiserver and etcd and deletes their data. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (client != null) {
      client.close();
    }
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).stop();
    }
    deleteQuietly(dir);
  }

  private String caData() {
    try {
      return Base64.getEncoder().encodeToString(Files.readAllBytes(certificates.caCert));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A TLS context that trusts the server's generated CA (for raw HTTP clients). */
  public SSLContext sslContext() {
    try (InputStream in = Files.newInputStream(certificates.caCert)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust the generated CA", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on loopback", e);
    }
  }

  /**
   * Deletes the temporary directories of shared servers whose JVM is gone without its shutdown hook
   * (killed): their processes stopped by themselves, their data stayed.
   */
  private static void deleteAbandonedDirectories(Path tmp) {
    try (Stream<Path> dirs = Files.list(tmp)) {
      dirs.filter(d -> d.getFileName().toString().startsWith(TEMP_PREFIX))
          .filter(d -> Files.isRegularFile(d.resolve(OWNER_FILE)))
          .filter(RealKubernetes::abandoned)
          .forEach(RealKubernetes::deleteQuietly);
    } catch (IOException | UncheckedIOException e) {
      // Leftovers are harmless; the next start tries again.
    }
  }

  private static boolean abandoned(Path dir) {
    try {
      long owner = Long.parseLong(Files.readString(dir.resolve(OWNER_FILE)).trim());
      return ProcessHandle.of(owner).map(p -> !p.isAlive()).orElse(true);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
