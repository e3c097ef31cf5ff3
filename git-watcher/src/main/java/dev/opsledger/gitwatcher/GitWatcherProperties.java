package dev.opsledger.gitwatcher;

import dev.opsledger.service.lease.LeaseSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The git-watcher's configuration ({@code opsledger.git-watcher.*}). Sources are checked as a whole
 * at start by {@link dev.opsledger.gitwatcher.source.SourceConfigValidator}, which reports every
 * problem at once.
 *
 * @param sources The repositories to watch.
 * @param cacheDir Where bare clones are kept between fetches and restarts; one directory per source
 *     inside it. Unset: {@code opsledger-git-watcher} in the temporary directory.
 * @param maxFileBytes The largest manifest file accepted; a larger one rejects its revision.
 * @param workerThreads Threads that fetch and process sources; each source still runs one fetch at
 *     a time.
 * @param publishTimeout How long to wait for Kafka to acknowledge one batch of events before the
 *     cycle fails.
 * @param publishBatchSize How many desired events are sent before waiting for their
 *     acknowledgement.
 * @param clusterScopedKinds Kinds, besides the well-known Kubernetes ones, that are cluster-scoped
 *     (e.g. the kinds of cluster-scoped custom resource definitions); their resources get no
 *     namespace.
 * @param webhooks The push webhook receivers.
 * @param render How Kustomize and Helm run, for the sources that render directories.
 * @param lease Active/standby between replicas ({@code lease.enabled}, {@code
 *     lease.session-timeout}, {@code lease.heartbeat-interval}): only the replica holding the lease
 *     fetches and publishes; a standby forwards the webhooks it receives to it.
 */
@Validated
@ConfigurationProperties("opsledger.git-watcher")
public record GitWatcherProperties(
    @DefaultValue @Valid List<Source> sources,
    @NotNull Path cacheDir,
    @DefaultValue("2097152") @Min(1) long maxFileBytes,
    @DefaultValue("2") @Min(1) int workerThreads,
    @DefaultValue("60s") @NotNull Duration publishTimeout,
    @DefaultValue("1000") @Min(1) int publishBatchSize,
    @DefaultValue List<String> clusterScopedKinds,
    @DefaultValue @Valid Webhooks webhooks,
    @DefaultValue @Valid Rendering render,
    @DefaultValue @NestedConfigurationProperty LeaseSettings lease) {

  /** The default of {@code cacheDir} depends on the machine, so it is set here. */
  public GitWatcherProperties {
    if (cacheDir == null) {
      cacheDir = Path.of(System.getProperty("java.io.tmpdir"), "opsledger-git-watcher");
    }
    sources = List.copyOf(sources);
    clusterScopedKinds = List.copyOf(clusterScopedKinds);
    lease = lease == null ? LeaseSettings.DEFAULTS : lease;
  }

  /**
   * One watched repository and branch.
   *
   * @param id Unique id of the source; the key of its records on {@code opsledger.commits}.
   * @param url The repository: {@code https://}, {@code ssh://}, scp-style {@code git@host:path},
   *     {@code file://} or a plain path.
   * @param branch The branch to track.
   * @param path The directory inside the repository that holds the manifests; empty for the whole
   *     tree.
   * @param target The cluster name or AWS {@code account:region} the declared resources belong to.
   * @param defaultNamespace The namespace given to namespaced resources that do not set one.
   * @param pollInterval How often the source is fetched when no webhook says it changed.
   * @param recordAllCommits Whether every new commit on the branch is recorded ({@code true}), or
   *     only the head found by each fetch ({@code false}).
   * @param auth How to authenticate to the repository; nothing for public or local repositories.
   * @param render Directories of the source rendered with Kustomize or Helm instead of read as
   *     plain manifests.
   */
  public record Source(
      String id,
      String url,
      @DefaultValue("main") String branch,
      @DefaultValue("") String path,
      String target,
      @DefaultValue("default") String defaultNamespace,
      @DefaultValue("30s") Duration pollInterval,
      @DefaultValue("true") boolean recordAllCommits,
      @DefaultValue @Valid Auth auth,
      @DefaultValue @Valid Render render,
      @DefaultValue @Valid Previews previews) {}

  /**
   * Pull request previews of a source: the heads of its open pull (GitHub) or merge (GitLab)
   * requests targeting its branch, rendered, validated and diffed against the live state, never
   * applied.
   *
   * @param provider {@code github} or {@code gitlab}; empty: inferred from the URL's host ({@code
   *     github.com}, a host containing {@code gitlab}), none otherwise.
   * @param enabled Whether to preview; empty: on when a provider is configured or inferred.
   * @param maxAge Polling previews a request's head only when it was committed this recently (a
   *     GitHub repository keeps the refs of every closed request); a webhook is not bound by it.
   */
  public record Previews(String provider, Boolean enabled, @DefaultValue("14d") Duration maxAge) {}

  /**
   * What a source renders, as Flux's Kustomization and HelmRelease or Argo CD's kustomize and helm
   * sources do. Paths are relative to the repository root and must be inside the source's path.
   *
   * @param kustomize Kustomize overlays.
   * @param helm Helm charts.
   */
  public record Render(@DefaultValue @Valid Kustomize kustomize, @DefaultValue @Valid Helm helm) {}

  /**
   * Kustomize overlays of a source.
   *
   * @param paths Directories holding a {@code kustomization.yaml}, each built with {@code kustomize
   *     build} (or {@code kubectl kustomize}).
   */
  public record Kustomize(@DefaultValue List<String> paths) {}

  /**
   * Helm charts of a source.
   *
   * @param charts The charts, each rendered with {@code helm template}.
   */
  public record Helm(@DefaultValue @Valid List<Chart> charts) {}

  /**
   * One Helm chart in the repository.
   *
   * @param path The chart directory (holding {@code Chart.yaml}).
   * @param values Values files of the same revision, applied in order after the chart's own {@code
   *     values.yaml} (later files win, as with {@code helm template -f a -f b}).
   * @param releaseName {@code .Release.Name}; unset: the chart directory's name.
   */
  public record Chart(String path, @DefaultValue List<String> values, String releaseName) {}

  /**
   * How rendering runs.
   *
   * @param timeout The longest one Kustomize build or Helm template may take; a longer one rejects
   *     the revision.
   * @param kustomizeSearchPath Directories searched for {@code kustomize}, then {@code kubectl},
   *     separated as in {@code PATH}; unset: the {@code PATH} of the process.
   * @param workDir Where the revision's tree is written for rendering (deleted after each render);
   *     unset: the temporary directory.
   */
  public record Rendering(
      @DefaultValue("60s") @NotNull Duration timeout, String kustomizeSearchPath, Path workDir) {}

  /**
   * Credentials of a source. HTTPS takes a token or a username and password; SSH takes a private
   * key and a known_hosts file (host keys are always checked). Values come from configuration or
   * the environment and are never logged.
   *
   * @param token An HTTPS access token (GitHub, GitLab, Bitbucket app password).
   * @param username The HTTPS username; with a token, the name the host expects (GitLab: {@code
   *     oauth2}).
   * @param password The HTTPS password, for basic authentication.
   * @param privateKeyFile The SSH private key file (OpenSSH or PEM format).
   * @param privateKeyPassphrase The passphrase of the SSH private key, if it has one.
   * @param knownHostsFile The known_hosts file that SSH host keys are checked against; required
   *     with SSH.
   */
  public record Auth(
      String token,
      String username,
      String password,
      Path privateKeyFile,
      String privateKeyPassphrase,
      Path knownHostsFile) {

    /** No credentials: public or local repositories. */
    public static final Auth NONE = new Auth(null, null, null, null, null, null);

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

  /**
   * The push webhook receivers, each off unless enabled.
   *
   * @param maxBodyBytes The largest request body accepted; a larger one is refused with 413.
   * @param github GitHub: {@code X-Hub-Signature-256}, HMAC-SHA256 of the body.
   * @param gitlab GitLab: {@code X-Gitlab-Token}, the shared secret itself.
   * @param bitbucket Bitbucket: {@code X-Hub-Signature}, HMAC-SHA256 of the body.
   * @param generic Anything else: {@code X-OpsLedger-Signature: sha256=<hex>}, HMAC-SHA256 of a
   *     body {@code {"repository": url, "ref": "refs/heads/main"}}.
   */
  public record Webhooks(
      @DefaultValue("1048576") @Min(1) int maxBodyBytes,
      @DefaultValue @Valid Receiver github,
      @DefaultValue @Valid Receiver gitlab,
      @DefaultValue @Valid Receiver bitbucket,
      @DefaultValue @Valid Receiver generic) {}

  /**
   * One webhook receiver.
   *
   * @param enabled Whether the receiver is wanted.
   * @param secret The shared secret; a receiver without one does not start unless {@code insecure}.
   * @param insecure Accept unsigned requests: only for trusted networks and tests.
   */
  public record Receiver(
      @DefaultValue("false") boolean enabled,
      String secret,
      @DefaultValue("false") boolean insecure) {

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
