package dev.opsledger.applier;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The applier's settings ({@code opsledger.applier.*}); the README lists them in a table.
 *
 * @param sources Sync policy per source id ({@code opsledger.applier.sources.<id>.*}); a source
 *     that is not listed gets {@code defaults}. Annotations on a manifest override both.
 * @param defaults The policy of sources that are not listed in {@code sources}.
 * @param prunePropagation The propagation policy of prune deletes: {@code Foreground}, {@code
 *     Background}, {@code Orphan}.
 * @param retry Retries of transient failures (unreachable, 404 namespace/CRD missing, 409, 429,
 *     5xx).
 * @param dedupeCapacity How many handled diff event ids are remembered to drop redeliveries: the
 *     redelivery window. Older ids are forgotten, in memory and in the snapshot.
 * @param desiredWaitTimeout How long to wait for the desired state a diff names (the {@code
 *     opsledger.desired} consumer may lag behind the diffs consumer) before recording the diff as
 *     failed.
 * @param replayTimeout How long the start-up replay of {@code opsledger.desired}, {@code
 *     opsledger.diffs}, {@code opsledger.applies} and {@code opsledger.approvals} may take before
 *     the applier refuses to start.
 * @param checkpointInterval How often the applier writes a snapshot of what it rebuilds at start to
 *     {@code opsledger.applier.checkpoints}, so that a restart reads only the records after it;
 *     zero writes one only after each start.
 * @param forgetRemovedAfter How long a resource removed from Git (and from the cluster) is
 *     remembered after its last diff; zero remembers every resource forever.
 * @param publishTimeout How long to wait for Kafka to acknowledge an outcome event.
 * @param healthGrace How long a resource found in sync, whose health has not been reported since it
 *     changed (or is {@code Unknown}), holds the sync waves after it and the sources that depend on
 *     it; past it, its last reported health decides and {@code Unknown} no longer holds.
 * @param concurrency How many resources are applied at once: diffs and due retries run in this many
 *     lanes, a resource always in the same one, so one resource's work stays in order. The
 *     Kubernetes client opens up to 5 connections to the API server, so more than 5 only queues.
 * @param replicaId Names this replica's own consumer group, {@code opsledger-applier-replica-<id>},
 *     which reads the desired state, approvals, health and every diff; unset: the host name ({@code
 *     HOSTNAME}), else {@code local}. Replicas on one host need different ids.
 * @param kubernetes The Kubernetes cluster this applier converges.
 * @param aws The AWS account and region this applier converges.
 * @param management The management port, which serves approvals.
 */
@Validated
@ConfigurationProperties("opsledger.applier")
public record ApplierProperties(
    @DefaultValue @Valid Map<String, SourcePolicy> sources,
    @DefaultValue @Valid SourcePolicy defaults,
    @DefaultValue("Foreground") @NotBlank String prunePropagation,
    @DefaultValue @Valid Retry retry,
    @DefaultValue("100000") @Min(16) int dedupeCapacity,
    @DefaultValue("5m") @NotNull Duration desiredWaitTimeout,
    @DefaultValue("2m") @NotNull Duration replayTimeout,
    @DefaultValue("10m") @NotNull Duration checkpointInterval,
    @DefaultValue("7d") @NotNull Duration forgetRemovedAfter,
    @DefaultValue("30s") @NotNull Duration publishTimeout,
    @DefaultValue("30s") @NotNull Duration healthGrace,
    @DefaultValue("4") @Min(1) int concurrency,
    String replicaId,
    @DefaultValue @Valid Kubernetes kubernetes,
    @DefaultValue @Valid Aws aws,
    @DefaultValue @Valid Management management) {

  /** Copies the policies, in order. */
  public ApplierProperties {
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
  }

  /**
   * The sync policy of one source.
   *
   * @param autoSync Apply diffs automatically; {@code false} waits for a {@code SyncApproved} per
   *     resource.
   * @param prune Delete live resources that Git no longer declares.
   * @param selfHeal Revert live edits (drift while the desired revision is the one last applied).
   * @param dryRun Only validate (server dry-run for Kubernetes; AWS calls are skipped); change
   *     nothing.
   * @param forceConflicts Server-side apply with {@code force=true}: take fields other managers
   *     own.
   * @param pruneGuard Hold the prunes of a revision that removes more than half of the source's
   *     resources, or all of them, until a {@code SyncApproved} names the source and revision.
   * @param detectOnly Report drift and alert, but never apply or prune: every diff of the source is
   *     recorded as {@code ApplySkipped(detect-only)}; overrides the settings above. A resource's
   *     {@code opsledger.dev/sync-policy} annotation ({@code auto} or {@code manual}) overrides it.
   * @param windows Sync windows: when applies and prunes may go. None: always. Inside a deny
   *     window: never; with allow windows: only inside one. Drift is reported meanwhile and the
   *     change waits for the window.
   * @param dependsOn Sources this one waits for: its resources are applied only when every resource
   *     of each of them is in sync and healthy at its current revision. A cycle stops the applier
   *     at start.
   */
  public record SourcePolicy(
      @DefaultValue("true") boolean autoSync,
      @DefaultValue("false") boolean prune,
      @DefaultValue("true") boolean selfHeal,
      @DefaultValue("false") boolean dryRun,
      @DefaultValue("true") boolean forceConflicts,
      @DefaultValue("true") boolean pruneGuard,
      @DefaultValue("false") boolean detectOnly,
      @DefaultValue @Valid List<Window> windows,
      @DefaultValue List<String> dependsOn) {

    /** Copies the windows and the sources it depends on. */
    public SourcePolicy {
      windows = List.copyOf(windows);
      dependsOn = List.copyOf(dependsOn);
    }
  }

  /**
   * A sync window.
   *
   * @param kind {@code allow} or {@code deny}.
   * @param schedule When the window starts: a Spring cron expression (six fields, seconds first,
   *     e.g. {@code "0 0 22 * * MON-FRI"}, or a macro such as {@code @daily}).
   * @param duration How long it lasts from each start.
   * @param timeZone The time zone the schedule is read in.
   */
  public record Window(
      @NotBlank String kind,
      @NotBlank String schedule,
      @NotNull Duration duration,
      @DefaultValue("UTC") @NotBlank String timeZone) {}

  /**
   * Exponential backoff of transient failures.
   *
   * @param initialBackoff The delay before the second attempt.
   * @param multiplier The factor each further delay grows by.
   * @param maxBackoff The longest delay between two attempts.
   * @param maxAttempts Attempts before a transient failure is recorded as terminal; 0 retries
   *     forever, so an unreachable cluster never loses a pending apply.
   */
  public record Retry(
      @DefaultValue("5s") @NotNull Duration initialBackoff,
      @DefaultValue("2.0") double multiplier,
      @DefaultValue("3m") @NotNull Duration maxBackoff,
      @DefaultValue("0") @Min(0) int maxAttempts) {}

  /**
   * The Kubernetes cluster.
   *
   * @param enabled Whether Kubernetes resources are applied at all.
   * @param target The target name of the cluster: diffs whose key has another target are not this
   *     applier's.
   * @param kubeconfig A kubeconfig file; unset uses fabric8's discovery ({@code KUBECONFIG}, {@code
   *     ~/.kube/config}, then the in-cluster service account).
   * @param context The kubeconfig context; unset uses the current context.
   * @param masterUrl The API server URL, overriding the kubeconfig's (e.g. the sandbox emulator).
   * @param fieldManager The field manager of server-side apply.
   * @param requestTimeout Timeout of one API request.
   */
  public record Kubernetes(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("in-cluster") @NotBlank String target,
      Path kubeconfig,
      String context,
      String masterUrl,
      @DefaultValue("opsledger") @NotBlank String fieldManager,
      @DefaultValue("30s") @NotNull Duration requestTimeout) {}

  /**
   * The AWS account and region.
   *
   * @param enabled Whether AWS resources are applied at all.
   * @param target The target of the AWS resources, {@code <account>:<region>} as in their resource
   *     keys.
   * @param region The region; unset takes the region part of {@code target}.
   * @param endpoint An endpoint for every service (an emulator); unset uses AWS.
   * @param s3Endpoint The S3 endpoint, overriding {@code endpoint}.
   * @param dynamodbEndpoint The DynamoDB endpoint, overriding {@code endpoint}.
   * @param sqsEndpoint The SQS endpoint, overriding {@code endpoint}.
   * @param iamEndpoint The IAM endpoint, overriding {@code endpoint}.
   * @param accessKeyId A static access key id (emulators); unset uses the SDK's default credentials
   *     chain.
   * @param secretAccessKey The static secret access key that goes with {@code accessKeyId}.
   * @param requestTimeout Timeout of one API call.
   */
  public record Aws(
      @DefaultValue("false") boolean enabled,
      @DefaultValue("000000000000:us-east-1") @NotBlank String target,
      String region,
      String endpoint,
      String s3Endpoint,
      String dynamodbEndpoint,
      String sqsEndpoint,
      String iamEndpoint,
      String accessKeyId,
      String secretAccessKey,
      @DefaultValue("30s") @NotNull Duration requestTimeout) {

    /** Never print the secret key. */
    @Override
    public String toString() {
      return "Aws[target=" + target + ", endpoint=" + endpoint + ", secretAccessKey=***]";
    }
  }

  /**
   * The management HTTP server: {@code POST /api/v1/approvals}, apart from the HTTP port that
   * serves health and webhooks.
   *
   * @param enabled Whether the management server runs.
   * @param address The address it listens on.
   * @param port The port it listens on; 0 picks a free one.
   * @param tokens The approvers' bearer tokens by identity ({@code tokens.<identity>}, e.g. {@code
   *     tokens.alice}); the identity of a request's token is recorded as {@code approvedBy}. Each
   *     token at least 16 characters; none configured refuses every request.
   * @param allowedHosts Host names a request's {@code Host} header may name besides {@code
   *     localhost}, {@code 127.0.0.1} and {@code ::1} (e.g. the Service's DNS names); others are
   *     answered 421.
   * @param maxBodySize The largest request body read, in bytes; larger ones are answered 413.
   */
  public record Management(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("0.0.0.0") @NotBlank String address,
      @DefaultValue("8081") @Min(0) @Max(65535) int port,
      @DefaultValue Map<String, String> tokens,
      @DefaultValue List<String> allowedHosts,
      @DefaultValue("4096") @Min(256) int maxBodySize) {

    /** Copies the tokens and host names. */
    public Management {
      tokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
      allowedHosts = List.copyOf(allowedHosts);
    }

    /** Never print the tokens. */
    @Override
    public String toString() {
      return "Management[address="
          + address
          + ", port="
          + port
          + ", approvers="
          + tokens.keySet()
          + ", allowedHosts="
          + allowedHosts
          + "]";
    }
  }
}
