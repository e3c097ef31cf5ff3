package dev.opsledger.gitwatcher;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The git-watcher's configuration ({@code opsledger.git-watcher.*}). Sources are checked as a whole
 * at start by {@link dev.opsledger.gitwatcher.source.SourceConfigValidator}, which reports every
 * problem at once.
 */
@Validated
@ConfigurationProperties("opsledger.git-watcher")
public class GitWatcherProperties {

  /** The repositories to watch. */
  @Valid private List<Source> sources = new ArrayList<>();

  /**
   * Where bare clones are kept between fetches and restarts; one directory per source inside it.
   */
  @NotNull
  private Path cacheDir = Path.of(System.getProperty("java.io.tmpdir"), "opsledger-git-watcher");

  /** The largest manifest file accepted; a larger one rejects its revision. */
  @Min(1)
  private long maxFileBytes = 2L * 1024 * 1024;

  /** Threads that fetch and process sources; each source still runs one fetch at a time. */
  @Min(1)
  private int workerThreads = 2;

  /** How long to wait for Kafka to acknowledge one batch of events before the cycle fails. */
  @NotNull private Duration publishTimeout = Duration.ofSeconds(60);

  /** How many desired events are sent before waiting for their acknowledgement. */
  @Min(1)
  private int publishBatchSize = 1000;

  /**
   * Kinds, besides the well-known Kubernetes ones, that are cluster-scoped (e.g. the kinds of
   * cluster-scoped custom resource definitions); their resources get no namespace.
   */
  private List<String> clusterScopedKinds = new ArrayList<>();

  /** The push webhook receivers. */
  @Valid private Webhooks webhooks = new Webhooks();

  public List<Source> getSources() {
    return sources;
  }

  public void setSources(List<Source> sources) {
    this.sources = sources;
  }

  public Path getCacheDir() {
    return cacheDir;
  }

  public void setCacheDir(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  public long getMaxFileBytes() {
    return maxFileBytes;
  }

  public void setMaxFileBytes(long maxFileBytes) {
    this.maxFileBytes = maxFileBytes;
  }

  public int getWorkerThreads() {
    return workerThreads;
  }

  public void setWorkerThreads(int workerThreads) {
    this.workerThreads = workerThreads;
  }

  public Duration getPublishTimeout() {
    return publishTimeout;
  }

  public void setPublishTimeout(Duration publishTimeout) {
    this.publishTimeout = publishTimeout;
  }

  public int getPublishBatchSize() {
    return publishBatchSize;
  }

  public void setPublishBatchSize(int publishBatchSize) {
    this.publishBatchSize = publishBatchSize;
  }

  public List<String> getClusterScopedKinds() {
    return clusterScopedKinds;
  }

  public void setClusterScopedKinds(List<String> clusterScopedKinds) {
    this.clusterScopedKinds = clusterScopedKinds;
  }

  public Webhooks getWebhooks() {
    return webhooks;
  }

  public void setWebhooks(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  /** One watched repository and branch. */
  public static class Source {

    /** Unique id of the source; the key of its records on {@code opsledger.commits}. */
    private String id;

    /**
     * The repository: {@code https://}, {@code ssh://}, scp-style {@code git@host:path}, {@code
     * file://} or a plain path.
     */
    private String url;

    /** The branch to track. */
    private String branch = "main";

    /** The directory inside the repository that holds the manifests; empty for the whole tree. */
    private String path = "";

    /** The cluster name or AWS {@code account:region} the declared resources belong to. */
    private String target;

    /** The namespace given to namespaced resources that do not set one. */
    private String defaultNamespace = "default";

    /** How often the source is fetched when no webhook says it changed. */
    private Duration pollInterval = Duration.ofSeconds(30);

    /**
     * Whether every new commit on the branch is recorded ({@code true}), or only the head found by
     * each fetch ({@code false}).
     */
    private boolean recordAllCommits = true;

    /** How to authenticate to the repository; nothing for public or local repositories. */
    @Valid private Auth auth = new Auth();

    public String getId() {
      return id;
    }

    public void setId(String id) {
      this.id = id;
    }

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getBranch() {
      return branch;
    }

    public void setBranch(String branch) {
      this.branch = branch;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public String getTarget() {
      return target;
    }

    public void setTarget(String target) {
      this.target = target;
    }

    public String getDefaultNamespace() {
      return defaultNamespace;
    }

    public void setDefaultNamespace(String defaultNamespace) {
      this.defaultNamespace = defaultNamespace;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public boolean isRecordAllCommits() {
      return recordAllCommits;
    }

    public void setRecordAllCommits(boolean recordAllCommits) {
      this.recordAllCommits = recordAllCommits;
    }

    public Auth getAuth() {
      return auth;
    }

    public void setAuth(Auth auth) {
      this.auth = auth;
    }
  }

  /**
   * Credentials of a source. HTTPS takes a token or a username and password; SSH takes a private
   * key and a known_hosts file (host keys are always checked). Values come from configuration or
   * the environment and are never logged.
   */
  public static class Auth {

    /** An HTTPS access token (GitHub, GitLab, Bitbucket app password). */
    private String token;

    /** The HTTPS username; with a token, the name the host expects (GitLab: {@code oauth2}). */
    private String username;

    /** The HTTPS password, for basic authentication. */
    private String password;

    /** The SSH private key file (OpenSSH or PEM format). */
    private Path privateKeyFile;

    /** The passphrase of the SSH private key, if it has one. */
    private String privateKeyPassphrase;

    /** The known_hosts file that SSH host keys are checked against; required with SSH. */
    private Path knownHostsFile;

    public String getToken() {
      return token;
    }

    public void setToken(String token) {
      this.token = token;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public Path getPrivateKeyFile() {
      return privateKeyFile;
    }

    public void setPrivateKeyFile(Path privateKeyFile) {
      this.privateKeyFile = privateKeyFile;
    }

    public String getPrivateKeyPassphrase() {
      return privateKeyPassphrase;
    }

    public void setPrivateKeyPassphrase(String privateKeyPassphrase) {
      this.privateKeyPassphrase = privateKeyPassphrase;
    }

    public Path getKnownHostsFile() {
      return knownHostsFile;
    }

    public void setKnownHostsFile(Path knownHostsFile) {
      this.knownHostsFile = knownHostsFile;
    }

    /** True when any HTTPS credential is set. */
    public boolean hasHttpCredentials() {
      return token != null || username != null || password != null;
    }

    /** True when any SSH setting is set. */
    public boolean hasSshSettings() {
      return privateKeyFile != null || knownHostsFile != null || privateKeyPassphrase != null;
    }

    @Override
    public String toString() {
      return "Auth[credentials hidden]";
    }
  }

  /** The push webhook receivers, each off unless enabled. */
  public static class Webhooks {

    /** The largest request body accepted; a larger one is refused with 413. */
    @Min(1)
    private int maxBodyBytes = 1024 * 1024;

    /** GitHub: {@code X-Hub-Signature-256}, HMAC-SHA256 of the body. */
    @Valid private Receiver github = new Receiver();

    /** GitLab: {@code X-Gitlab-Token}, the shared secret itself. */
    @Valid private Receiver gitlab = new Receiver();

    /** Bitbucket: {@code X-Hub-Signature}, HMAC-SHA256 of the body. */
    @Valid private Receiver bitbucket = new Receiver();

    /**
     * Anything else: {@code X-OpsLedger-Signature: sha256=<hex>}, HMAC-SHA256 of a body {@code
     * {"repository": url, "ref": "refs/heads/main"}}.
     */
    @Valid private Receiver generic = new Receiver();

    public int getMaxBodyBytes() {
      return maxBodyBytes;
    }

    public void setMaxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
    }

    public Receiver getGithub() {
      return github;
    }

    public void setGithub(Receiver github) {
      this.github = github;
    }

    public Receiver getGitlab() {
      return gitlab;
    }

    public void setGitlab(Receiver gitlab) {
      this.gitlab = gitlab;
    }

    public Receiver getBitbucket() {
      return bitbucket;
    }

    public void setBitbucket(Receiver bitbucket) {
      this.bitbucket = bitbucket;
    }

    public Receiver getGeneric() {
      return generic;
    }

    public void setGeneric(Receiver generic) {
      this.generic = generic;
    }
  }

  /** One webhook receiver. */
  public static class Receiver {

    /** Whether the receiver is wanted. */
    private boolean enabled = false;

    /** The shared secret; a receiver without one does not start unless {@code insecure}. */
    private String secret;

    /** Accept unsigned requests: only for trusted networks and tests. */
    private boolean insecure = false;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getSecret() {
      return secret;
    }

    public void setSecret(String secret) {
      this.secret = secret;
    }

    public boolean isInsecure() {
      return insecure;
    }

    public void setInsecure(boolean insecure) {
      this.insecure = insecure;
    }

    /** True when a secret is configured. */
    public boolean hasSecret() {
      return secret != null && !secret.isEmpty();
    }

    @Override
    public String toString() {
      return "Receiver[enabled=" + enabled + ", insecure=" + insecure + ", secret hidden]";
    }
  }
}
