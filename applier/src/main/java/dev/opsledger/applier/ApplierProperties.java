package dev.opsledger.applier;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The applier's settings ({@code opsledger.applier.*}); the README lists them in a table. */
@Validated
@ConfigurationProperties("opsledger.applier")
public class ApplierProperties {

  /**
   * Sync policy per source id ({@code opsledger.applier.sources.<id>.*}); a source that is not
   * listed gets {@link #defaults}. Annotations on a manifest override both.
   */
  @Valid private Map<String, SourcePolicy> sources = new LinkedHashMap<>();

  /** The policy of sources that are not listed in {@link #sources}. */
  @Valid private SourcePolicy defaults = new SourcePolicy();

  /**
   * The propagation policy of prune deletes: {@code Foreground}, {@code Background}, {@code
   * Orphan}.
   */
  @NotBlank private String prunePropagation = "Foreground";

  /** Retries of transient failures (unreachable, 404 namespace/CRD missing, 409, 429, 5xx). */
  @Valid private Retry retry = new Retry();

  /** How many handled diff event ids are remembered to drop redeliveries. */
  @Min(16)
  private int dedupeCapacity = 100_000;

  /**
   * How long to wait for the desired state a diff names (the {@code opsledger.desired} consumer may
   * lag behind the diffs consumer) before recording the diff as failed.
   */
  @NotNull private Duration desiredWaitTimeout = Duration.ofMinutes(5);

  /**
   * How long the start-up replay of {@code opsledger.desired}, {@code opsledger.diffs}, {@code
   * opsledger.applies} and {@code opsledger.approvals} may take before the applier refuses to
   * start.
   */
  @NotNull private Duration replayTimeout = Duration.ofMinutes(2);

  /** How long to wait for Kafka to acknowledge an outcome event. */
  @NotNull private Duration publishTimeout = Duration.ofSeconds(30);

  /** The Kubernetes cluster this applier converges. */
  @Valid private Kubernetes kubernetes = new Kubernetes();

  /** The AWS account and region this applier converges. */
  @Valid private Aws aws = new Aws();

  public Map<String, SourcePolicy> getSources() {
    return sources;
  }

  public void setSources(Map<String, SourcePolicy> sources) {
    this.sources = sources;
  }

  public SourcePolicy getDefaults() {
    return defaults;
  }

  public void setDefaults(SourcePolicy defaults) {
    this.defaults = defaults;
  }

  public String getPrunePropagation() {
    return prunePropagation;
  }

  public void setPrunePropagation(String prunePropagation) {
    this.prunePropagation = prunePropagation;
  }

  public Retry getRetry() {
    return retry;
  }

  public void setRetry(Retry retry) {
    this.retry = retry;
  }

  public int getDedupeCapacity() {
    return dedupeCapacity;
  }

  public void setDedupeCapacity(int dedupeCapacity) {
    this.dedupeCapacity = dedupeCapacity;
  }

  public Duration getDesiredWaitTimeout() {
    return desiredWaitTimeout;
  }

  public void setDesiredWaitTimeout(Duration desiredWaitTimeout) {
    this.desiredWaitTimeout = desiredWaitTimeout;
  }

  public Duration getReplayTimeout() {
    return replayTimeout;
  }

  public void setReplayTimeout(Duration replayTimeout) {
    this.replayTimeout = replayTimeout;
  }

  public Duration getPublishTimeout() {
    return publishTimeout;
  }

  public void setPublishTimeout(Duration publishTimeout) {
    this.publishTimeout = publishTimeout;
  }

  public Kubernetes getKubernetes() {
    return kubernetes;
  }

  public void setKubernetes(Kubernetes kubernetes) {
    this.kubernetes = kubernetes;
  }

  public Aws getAws() {
    return aws;
  }

  public void setAws(Aws aws) {
    this.aws = aws;
  }

  /** The sync policy of one source. */
  public static class SourcePolicy {

    /** Apply diffs automatically; {@code false} waits for a {@code SyncApproved} per resource. */
    private boolean autoSync = true;

    /** Delete live resources that Git no longer declares. */
    private boolean prune = false;

    /** Revert live edits (drift while the desired revision is the one last applied). */
    private boolean selfHeal = true;

    /** Only validate (server dry-run for Kubernetes; AWS calls are skipped); change nothing. */
    private boolean dryRun = false;

    /** Server-side apply with {@code force=true}: take fields other managers own. */
    private boolean forceConflicts = true;

    public boolean isAutoSync() {
      return autoSync;
    }

    public void setAutoSync(boolean autoSync) {
      this.autoSync = autoSync;
    }

    public boolean isPrune() {
      return prune;
    }

    public void setPrune(boolean prune) {
      this.prune = prune;
    }

    public boolean isSelfHeal() {
      return selfHeal;
    }

    public void setSelfHeal(boolean selfHeal) {
      this.selfHeal = selfHeal;
    }

    public boolean isDryRun() {
      return dryRun;
    }

    public void setDryRun(boolean dryRun) {
      this.dryRun = dryRun;
    }

    public boolean isForceConflicts() {
      return forceConflicts;
    }

    public void setForceConflicts(boolean forceConflicts) {
      this.forceConflicts = forceConflicts;
    }
  }

  /** Exponential backoff of transient failures. */
  public static class Retry {

    /** The delay before the second attempt. */
    @NotNull private Duration initialBackoff = Duration.ofSeconds(5);

    /** The factor each further delay grows by. */
    private double multiplier = 2.0;

    /** The longest delay between two attempts. */
    @NotNull private Duration maxBackoff = Duration.ofMinutes(3);

    /**
     * Attempts before a transient failure is recorded as terminal; 0 retries forever, so an
     * unreachable cluster never loses a pending apply.
     */
    @Min(0)
    private int maxAttempts = 0;

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(double multiplier) {
      this.multiplier = multiplier;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }
  }

  /** The Kubernetes cluster. */
  public static class Kubernetes {

    /** Whether Kubernetes resources are applied at all. */
    private boolean enabled = true;

    /**
     * The target name of the cluster: diffs whose key has another target are not this applier's.
     */
    @NotBlank private String target = "in-cluster";

    /**
     * A kubeconfig file; unset uses fabric8's discovery ({@code KUBECONFIG}, {@code
     * ~/.kube/config}, then the in-cluster service account).
     */
    private Path kubeconfig;

    /** The kubeconfig context; unset uses the current context. */
    private String context;

    /** The API server URL, overriding the kubeconfig's (e.g. the sandbox emulator). */
    private String masterUrl;

    /** The field manager of server-side apply. */
    @NotBlank private String fieldManager = "opsledger";

    /** Timeout of one API request. */
    @NotNull private Duration requestTimeout = Duration.ofSeconds(30);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getTarget() {
      return target;
    }

    public void setTarget(String target) {
      this.target = target;
    }

    public Path getKubeconfig() {
      return kubeconfig;
    }

    public void setKubeconfig(Path kubeconfig) {
      this.kubeconfig = kubeconfig;
    }

    public String getContext() {
      return context;
    }

    public void setContext(String context) {
      this.context = context;
    }

    public String getMasterUrl() {
      return masterUrl;
    }

    public void setMasterUrl(String masterUrl) {
      this.masterUrl = masterUrl;
    }

    public String getFieldManager() {
      return fieldManager;
    }

    public void setFieldManager(String fieldManager) {
      this.fieldManager = fieldManager;
    }

    public Duration getRequestTimeout() {
      return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
    }
  }

  /** The AWS account and region. */
  public static class Aws {

    /** Whether AWS resources are applied at all. */
    private boolean enabled = false;

    /** The target of the AWS resources, {@code <account>:<region>} as in their resource keys. */
    @NotBlank private String target = "000000000000:us-east-1";

    /** The region; unset takes the region part of {@link #target}. */
    private String region;

    /** An endpoint for every service (an emulator); unset uses AWS. */
    private String endpoint;

    /** The S3 endpoint, overriding {@link #endpoint}. */
    private String s3Endpoint;

    /** The DynamoDB endpoint, overriding {@link #endpoint}. */
    private String dynamodbEndpoint;

    /** The SQS endpoint, overriding {@link #endpoint}. */
    private String sqsEndpoint;

    /** The IAM endpoint, overriding {@link #endpoint}. */
    private String iamEndpoint;

    /** A static access key id (emulators); unset uses the SDK's default credentials chain. */
    private String accessKeyId;

    /** The static secret access key that goes with {@link #accessKeyId}. */
    private String secretAccessKey;

    /** Timeout of one API call. */
    @NotNull private Duration requestTimeout = Duration.ofSeconds(30);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getTarget() {
      return target;
    }

    public void setTarget(String target) {
      this.target = target;
    }

    public String getRegion() {
      return region;
    }

    public void setRegion(String region) {
      this.region = region;
    }

    public String getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(String endpoint) {
      this.endpoint = endpoint;
    }

    public String getS3Endpoint() {
      return s3Endpoint;
    }

    public void setS3Endpoint(String s3Endpoint) {
      this.s3Endpoint = s3Endpoint;
    }

    public String getDynamodbEndpoint() {
      return dynamodbEndpoint;
    }

    public void setDynamodbEndpoint(String dynamodbEndpoint) {
      this.dynamodbEndpoint = dynamodbEndpoint;
    }

    public String getSqsEndpoint() {
      return sqsEndpoint;
    }

    public void setSqsEndpoint(String sqsEndpoint) {
      this.sqsEndpoint = sqsEndpoint;
    }

    public String getIamEndpoint() {
      return iamEndpoint;
    }

    public void setIamEndpoint(String iamEndpoint) {
      this.iamEndpoint = iamEndpoint;
    }

    public String getAccessKeyId() {
      return accessKeyId;
    }

    public void setAccessKeyId(String accessKeyId) {
      this.accessKeyId = accessKeyId;
    }

    public String getSecretAccessKey() {
      return secretAccessKey;
    }

    public void setSecretAccessKey(String secretAccessKey) {
      this.secretAccessKey = secretAccessKey;
    }

    public Duration getRequestTimeout() {
      return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
    }

    /** Never print the secret key. */
    @Override
    public String toString() {
      return "Aws[target=" + target + ", endpoint=" + endpoint + ", secretAccessKey=***]";
    }
  }
}
