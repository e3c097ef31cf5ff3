package dev.opsledger.sandbox.kubernetes;

import dev.opsledger.sandbox.kubernetes.DirectoryPersistence.Snapshot;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubernetes API server emulator on loopback, good enough for fabric8 clients (CRUD, watches,
 * informers, server-side apply) and for kubectl ({@code get}, {@code apply --server-side}, {@code
 * apply}, {@code create -f}, {@code patch}, {@code delete}, {@code api-resources}).
 *
 * <p>It is fabric8's {@link KubernetesMockServer} in CRUD mode, over plain HTTP on 127.0.0.1, with
 * its dispatcher wrapped to add what the CRUD mock lacks:
 *
 * <ul>
 *   <li>discovery ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/<group>/<version>})
 *       for common built-in kinds and for every served version of a stored
 *       CustomResourceDefinition, plus {@code /version}, health checks and an OpenAPI v3 stub;
 *   <li>415 for bodies it cannot read (protobuf, CBOR) instead of a hung connection;
 *   <li>server-side apply ({@code application/apply-patch+yaml}): create-or-merge, the manager
 *       recorded in {@code metadata.managedFields}, {@code ?force}, {@code ?dryRun=All};
 *   <li>strategic merge patch handled as a JSON merge patch; JSON merge patch done per RFC 7386;
 *       {@code ?dryRun=All} on every write;
 *   <li>{@code Update} entries in {@code metadata.managedFields} for create, update and patch;
 *   <li>pruning by server-side apply: a field a manager applied before and leaves out of its next
 *       configuration is removed, unless another manager also owns it;
 *   <li>stop and start on the same port keeping the objects, changes while stopped ({@link
 *       #store()}), and optional persistence to a directory.
 * </ul>
 *
 * <p><b>Not emulated</b> — tests that depend on these run on a real kube-apiserver ({@code
 * testkit-kube}); {@code EmulatorConformanceIT} pins each difference:
 *
 * <ul>
 *   <li>field-manager conflicts: an apply never answers 409 for a field another manager owns;
 *   <li>list merging by key: in server-side apply and in strategic merge patch a list replaces the
 *       live list (the API server would merge e.g. containers by name); strategic-merge directives
 *       other than {@code $patch: delete|replace} are ignored;
 *   <li>admission, defaulting and validation: objects are stored as sent (no default fields, no
 *       schema or OpenAPI validation, no namespace existence check, no immutable fields); custom
 *       resources are stored even without their CRD (discovery lists only those with one);
 *   <li>controllers and garbage collection: nothing reconciles (a Deployment never gets Pods or a
 *       status), deleting a namespace or a CRD leaves the objects in it, owner references are not
 *       followed;
 *   <li>protobuf and CBOR bodies (answered 415), aggregated discovery, server-side printing ({@code
 *       Table}; kubectl prints NAME and AGE only), subresources other than {@code status} (no
 *       {@code scale}, {@code log}, {@code exec}), watches over an HTTP stream ({@code kubectl get
 *       --watch}; fabric8 watches over WebSocket work), watch resumption from a resourceVersion (a
 *       new watch first replays every matching object as ADDED), pagination ({@code limit}/{@code
 *       continue}), authentication, authorisation and TLS.
 * </ul>
 *
 * <p>Usage:
 *
 * <pre>{@code
 * try (KubernetesEmulator k8s = KubernetesEmulator.builder().start()) {
 *   k8s.writeKubeconfig(dir.resolve("kubeconfig"));
 *   k8s.client().configMaps().inNamespace("default").resource(cm).create();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the server, flushes persistence and closes the client.
 */
public final class KubernetesEmulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesEmulator.class);

  /**
   * fabric8's mock web server logs every request at INFO through java.util.logging; kept as a
   * strong reference because JUL forgets the level of a logger nobody references.
   */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger(MockWebServer.class.getName());

  static {
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
  }

  private static final String CONTEXT = "opsledger-sandbox";

  private final CrudStore crud = new CrudStore();
  private final EmulatorDispatcher dispatcher;
  private final EmulatorStore store;
  private final DirectoryPersistence persistence;
  private final ExecutorService saver;
  private final AtomicBoolean savePending = new AtomicBoolean();
  private final int requestedPort;

  private KubernetesMockServer server;
  private MockWebServer webServer;
  private volatile int port;
  private KubernetesClient client;
  private boolean closed;

  private KubernetesEmulator(Builder builder) {
    this.requestedPort = builder.port;
    this.persistence =
        builder.dataDirectory == null ? null : new DirectoryPersistence(builder.dataDirectory);
    this.saver =
        persistence == null
            ? null
            : Executors.newSingleThreadExecutor(
                r -> {
                  Thread thread = new Thread(r, "kubernetes-emulator-persistence");
                  thread.setDaemon(true);
                  return thread;
                });
    this.dispatcher = new EmulatorDispatcher(crud, () -> port, builder.clock, this::changed);
    dispatcher.admission(builder.admission);
    this.store = new EmulatorStore(crud, dispatcher);
    if (persistence != null) {
      persistence.load().ifPresent(s -> crud.restore(s.objects(), s.resourceVersion()));
    }
  }

  /** A builder; the defaults are a free port, no persistence and the system clock. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options of an emulator. */
  public static final class Builder {

    private int port;
    private Path dataDirectory;
    private Clock clock = Clock.systemUTC();
    private Admission admission;

    private Builder() {}

    /**
     * The port on 127.0.0.1; 0 (the default) picks a free one. The port chosen at the first start
     * is kept for every restart.
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Keeps the objects in {@code directory/objects.json} and {@code objects.journal}: loaded when
     * the emulator is built; the changes appended shortly after every change and on {@link
     * KubernetesEmulator#stop()}; folded into {@code objects.json} on {@link
     * KubernetesEmulator#close()} (see {@code DirectoryPersistence}).
     */
    public Builder dataDirectory(Path directory) {
      this.dataDirectory = Objects.requireNonNull(directory);
      return this;
    }

    /** The clock for {@code managedFields} times. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /**
     * A validating admission webhook every create, replace and patch goes through; a denial is
     * answered 400 {@code BadRequest} with the webhook's message, as the API server answers it.
     * None by default.
     */
    public Builder admission(Admission admission) {
      this.admission = Objects.requireNonNull(admission);
      return this;
    }

    /** An emulator that is not started yet. */
    public KubernetesEmulator build() {
      return new KubernetesEmulator(this);
    }

    /** A started emulator. */
    public KubernetesEmulator start() {
      KubernetesEmulator emulator = build();
      emulator.start();
      return emulator;
    }
  }

  /**
   * Starts serving, on the same port as before after a {@link #stop()}.
   *
   * @throws IllegalStateException if already running, closed, or the port is taken
   */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("the emulator is closed");
    }
    if (server != null) {
      throw new IllegalStateException("the emulator is already running on port " + port);
    }
    MockWebServer web = new MockWebServer();
    KubernetesMockServer mock =
        new KubernetesMockServer(new Context(), web, new HashMap<>(), dispatcher, false);
    // fabric8 keeps every request for takeRequest(); nobody takes them here, so drop them.
    dispatcher.onRequest(web::reset);
    // Changes may have happened while stopped: watchers from before must list again.
    dispatcher.expireWatchesBefore(crud.requestResourceVersion());
    try {
      mock.start(loopback(), port == 0 ? requestedPort : port);
    } catch (RuntimeException e) {
      mock.shutdown();
      throw new IllegalStateException(
          "cannot start the Kubernetes emulator on port " + (port == 0 ? requestedPort : port), e);
    }
    this.webServer = web;
    this.server = mock;
    this.port = mock.getPort();
    LOG.info("Kubernetes API emulator listening on {}", url());
  }

  /**
   * Stops serving (clients see connection refused) and keeps the objects; {@link #start()} serves
   * them again on the same port.
   */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.shutdown();
    } catch (IllegalStateException slow) {
      // fabric8 waits 10 s for Vert.x to close the server; on a loaded machine that can take
      // longer (CI saw it at load 20). The close goes on: wait for the port itself to be free, so
      // a start on the same port finds it so.
      LOG.warn("the emulator's server took more than 10 s to close; waiting for port {}", port);
      awaitPortFree(Duration.ofMinutes(1));
    } finally {
      server = null;
      webServer = null;
      flush();
    }
  }

  private void awaitPortFree(Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return;
      } catch (java.io.IOException stillBound) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    LOG.warn("port {} is still bound after {} s", port, atMost.toSeconds());
  }

  /** Whether the emulator is serving. */
  public synchronized boolean isRunning() {
    return server != null && webServer != null;
  }

  /** The port on 127.0.0.1 (0 before the first start). */
  public int port() {
    return port;
  }

  /** The API server URL, e.g. {@code http://127.0.0.1:38211}. */
  public String url() {
    if (port == 0) {
      throw new IllegalStateException("the emulator has not been started");
    }
    return "http://127.0.0.1:" + port;
  }

  /**
   * A fabric8 client for the emulator (default namespace {@code default}), created on first use and
   * closed with the emulator. It survives {@link #stop()}/{@link #start()}: watches and informers
   * reconnect.
   */
  public synchronized KubernetesClient client() {
    if (client == null) {
      client = new KubernetesClientBuilder().withConfig(clientConfig()).build();
    }
    return client;
  }

  /** The fabric8 configuration {@link #client()} uses, to build further clients. */
  public Config clientConfig() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withNamespace("default")
        .withHttp2Disable(true)
        .build();
  }

  /**
   * Writes a kubeconfig for kubectl and fabric8 (context, cluster and user {@value #CONTEXT},
   * namespace {@code default}, no credentials) and returns its path.
   */
  public Path writeKubeconfig(Path file) {
    String kubeconfig =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: " + CONTEXT,
            "  cluster:",
            "    server: " + url(),
            "contexts:",
            "- name: " + CONTEXT,
            "  context:",
            "    cluster: " + CONTEXT,
            "    user: " + CONTEXT,
            "    namespace: default",
            "current-context: " + CONTEXT,
            "users:",
            "- name: " + CONTEXT,
            "  user: {}",
            "preferences: {}",
            "");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, kubeconfig);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write kubeconfig " + file, e);
    }
  }

  /** Direct access to the objects, also while stopped. */
  public EmulatorStore store() {
    return store;
  }

  /** Stops the server, saves the objects if persistent, and closes {@link #client()}. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      if (client != null) {
        client.close();
      }
      stop();
    } finally {
      closed = true;
      if (saver != null) {
        saver.shutdown();
        awaitSaver();
        compact();
      }
    }
  }

  private void changed() {
    if (saver != null && savePending.compareAndSet(false, true)) {
      try {
        saver.execute(this::flush);
      } catch (RejectedExecutionException e) {
        flush(); // closed: a change through store() is saved right away
      }
    }
  }

  /** Saves now; saves are serialised, the last one wins. */
  private void flush() {
    if (persistence == null) {
      return;
    }
    synchronized (persistence) {
      savePending.set(false);
      // requestResourceVersion() is the only way to read fabric8's counter; it costs one number.
      long resourceVersion = crud.requestResourceVersion();
      persistence.save(new Snapshot(resourceVersion, crud.snapshot()));
    }
  }

  /** Folds the journal into the base file, so that the next emulator on the directory reads one. */
  private void compact() {
    synchronized (persistence) {
      persistence.compact(new Snapshot(crud.requestResourceVersion(), crud.snapshot()));
    }
  }

  private void awaitSaver() {
    try {
      if (!saver.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("Kubernetes emulator persistence did not finish within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByName("127.0.0.1");
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
