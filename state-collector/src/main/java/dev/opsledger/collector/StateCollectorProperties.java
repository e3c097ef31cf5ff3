package dev.opsledger.collector;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The state-collector's configuration ({@code opsledger.state-collector.*}): which clusters and AWS
 * accounts it observes, and how often it checks them again.
 */
@Validated
@ConfigurationProperties("opsledger.state-collector")
public class StateCollectorProperties {

  /** The {@code ce_source} of the events the collector writes. */
  @NotBlank private String eventSource = "/opsledger/state-collector";

  /** The Kubernetes side. */
  @Valid private Kubernetes kubernetes = new Kubernetes();

  /** The AWS side. */
  @Valid private Aws aws = new Aws();

  public String getEventSource() {
    return eventSource;
  }

  public void setEventSource(String eventSource) {
    this.eventSource = eventSource;
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

  /** Kubernetes clusters and how they are watched. */
  public static class Kubernetes {

    /** The clusters to watch; each is a target of its own. */
    @Valid private List<KubernetesTarget> targets = new ArrayList<>();

    /**
     * How often every watched object is checked again against what was last reported (a full resync
     * of the informers' caches). It emits nothing when nothing changed.
     */
    @NotNull private Duration resyncInterval = Duration.ofMinutes(10);

    /**
     * How often a kind that could not be watched (unknown to discovery, forbidden, API server
     * unreachable) is tried again, e.g. a custom resource whose definition is created later.
     */
    @NotNull private Duration retryInterval = Duration.ofSeconds(30);

    public List<KubernetesTarget> getTargets() {
      return targets;
    }

    public void setTargets(List<KubernetesTarget> targets) {
      this.targets = targets;
    }

    public Duration getResyncInterval() {
      return resyncInterval;
    }

    public void setResyncInterval(Duration resyncInterval) {
      this.resyncInterval = resyncInterval;
    }

    public Duration getRetryInterval() {
      return retryInterval;
    }

    public void setRetryInterval(Duration retryInterval) {
      this.retryInterval = retryInterval;
    }
  }

  /** One cluster. */
  public static class KubernetesTarget {

    /** The target name: the first segment of every resource key of this cluster. */
    @NotBlank private String name;

    /**
     * The kubeconfig file; when unset, fabric8's automatic configuration is used ({@code
     * KUBECONFIG}, {@code ~/.kube/config}, or the in-cluster service account).
     */
    private Path kubeconfig;

    /** The kubeconfig context; when unset, the file's current context. */
    private String context;

    /** Use the pod's service account (in-cluster configuration) and ignore {@code kubeconfig}. */
    private boolean inCluster = false;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
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

    public boolean isInCluster() {
      return inCluster;
    }

    public void setInCluster(boolean inCluster) {
      this.inCluster = inCluster;
    }
  }

  /** AWS accounts and how they are polled. */
  public static class Aws {

    /** The account/region pairs to poll; each is a target of its own. */
    @Valid private List<AwsTarget> targets = new ArrayList<>();

    /** How often every target is listed. */
    @NotNull private Duration pollInterval = Duration.ofSeconds(60);

    /** The first wait after a throttled call; doubled per attempt. */
    @NotNull private Duration throttleBackoff = Duration.ofMillis(500);

    /** How many times a throttled call is tried before it is reported as failed. */
    private int throttleAttempts = 5;

    public List<AwsTarget> getTargets() {
      return targets;
    }

    public void setTargets(List<AwsTarget> targets) {
      this.targets = targets;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public Duration getThrottleBackoff() {
      return throttleBackoff;
    }

    public void setThrottleBackoff(Duration throttleBackoff) {
      this.throttleBackoff = throttleBackoff;
    }

    public int getThrottleAttempts() {
      return throttleAttempts;
    }

    public void setThrottleAttempts(int throttleAttempts) {
      this.throttleAttempts = throttleAttempts;
    }
  }

  /** One AWS account and region. */
  public static class AwsTarget {

    /** The target name, by convention {@code <account>:<region>}. */
    @NotBlank private String name;

    /** The region, e.g. {@code eu-west-1}. */
    @NotBlank private String region;

    /** A named profile from the AWS config files; when unset, the default provider chain. */
    private String profile;

    /**
     * Endpoint overrides per service ({@code s3}, {@code sqs}, {@code dynamodb}, {@code iam}), for
     * emulators and VPC endpoints.
     */
    private Map<String, URI> endpoints = new LinkedHashMap<>();

    /**
     * The AWS services to poll ({@code s3}, {@code sqs}, {@code dynamodb}, {@code iam}); all four
     * by default.
     */
    private List<String> services = new ArrayList<>(List.of("s3", "sqs", "dynamodb", "iam"));

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getRegion() {
      return region;
    }

    public void setRegion(String region) {
      this.region = region;
    }

    public String getProfile() {
      return profile;
    }

    public void setProfile(String profile) {
      this.profile = profile;
    }

    public Map<String, URI> getEndpoints() {
      return endpoints;
    }

    public void setEndpoints(Map<String, URI> endpoints) {
      this.endpoints = endpoints;
    }

    public List<String> getServices() {
      return services;
    }

    public void setServices(List<String> services) {
      this.services = services;
    }
  }
}
