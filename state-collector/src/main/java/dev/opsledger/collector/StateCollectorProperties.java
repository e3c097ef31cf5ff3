package dev.opsledger.collector;

import dev.opsledger.service.lease.LeaseSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The state-collector's configuration ({@code opsledger.state-collector.*}): which clusters and AWS
 * accounts it observes, and how often it checks them again.
 *
 * @param eventSource The {@code ce_source} of the events the collector writes.
 * @param kubernetes The Kubernetes side.
 * @param aws The AWS side.
 * @param health How the health of live objects is told, besides the built-in rules.
 * @param lease Active/standby between replicas ({@code lease.enabled}, {@code
 *     lease.session-timeout}, {@code lease.heartbeat-interval}): only the replica holding the lease
 *     watches and reports; the one that takes it over lists everything afresh.
 */
@Validated
@ConfigurationProperties("opsledger.state-collector")
public record StateCollectorProperties(
    @DefaultValue("/opsledger/state-collector") @NotBlank String eventSource,
    @DefaultValue @Valid Kubernetes kubernetes,
    @DefaultValue @Valid Aws aws,
    @DefaultValue @Valid Health health,
    @DefaultValue @NestedConfigurationProperty LeaseSettings lease) {

  /** An absent lease section is the default lease. */
  public StateCollectorProperties {
    lease = lease == null ? LeaseSettings.DEFAULTS : lease;
  }

  /** The prefix of the custom health rules, named in their start-up errors. */
  public static final String HEALTH_RULES = "opsledger.state-collector.health.rules";

  /**
   * Health rules of configuration.
   *
   * @param rules Custom health rules, one per API group and kind; they replace the built-in rule of
   *     that kind.
   */
  public record Health(@DefaultValue @Valid List<HealthRule> rules) {

    /** Copies the rules. */
    public Health {
      rules = List.copyOf(rules);
    }
  }

  /**
   * A custom health rule: CEL expressions over {@code object}, the live object with its status,
   * each of type {@code bool}. The first that is true, in the order degraded, suspended,
   * progressing, healthy, decides; when none is true the object is Progressing; when one cannot be
   * evaluated, it is Unknown.
   *
   * @param group The API group; empty for the core group.
   * @param kind The kind.
   * @param degraded When the object is Degraded.
   * @param suspended When the object is Suspended.
   * @param progressing When the object is Progressing.
   * @param healthy When the object is Healthy.
   */
  public record HealthRule(
      @DefaultValue("") String group,
      @NotBlank String kind,
      String degraded,
      String suspended,
      String progressing,
      String healthy) {}

  /**
   * Kubernetes clusters and how they are watched.
   *
   * @param targets The clusters to watch; each is a target of its own.
   * @param resyncInterval How often every watched object is checked again against what was last
   *     reported (a full resync of the informers' caches). It emits nothing when nothing changed.
   * @param retryInterval How often a kind that could not be watched (unknown to discovery,
   *     forbidden, API server unreachable) is tried again, e.g. a custom resource whose definition
   *     is created later.
   * @param fieldManager The server-side apply field manager of OpsLedger's applier (its {@code
   *     opsledger.applier.kubernetes.field-manager}). Its {@code Apply} entry is the only part of
   *     {@code metadata.managedFields} the collector reports: the differ reads from it which fields
   *     OpsLedger applied, so that a field removed from Git is drift until it is gone.
   */
  public record Kubernetes(
      @DefaultValue @Valid List<KubernetesTarget> targets,
      @DefaultValue("10m") @NotNull Duration resyncInterval,
      @DefaultValue("30s") @NotNull Duration retryInterval,
      @DefaultValue("opsledger") @NotBlank String fieldManager) {

    /** Copies the targets. */
    public Kubernetes {
      targets = List.copyOf(targets);
    }
  }

  /**
   * One cluster.
   *
   * @param name The target name: the first segment of every resource key of this cluster.
   * @param kubeconfig The kubeconfig file; when unset, fabric8's automatic configuration is used
   *     ({@code KUBECONFIG}, {@code ~/.kube/config}, or the in-cluster service account).
   * @param context The kubeconfig context; when unset, the file's current context.
   * @param inCluster Use the pod's service account (in-cluster configuration) and ignore {@code
   *     kubeconfig}.
   */
  public record KubernetesTarget(
      @NotBlank String name,
      Path kubeconfig,
      String context,
      @DefaultValue("false") boolean inCluster) {}

  /**
   * AWS accounts and how they are polled.
   *
   * @param targets The account/region pairs to poll; each is a target of its own.
   * @param pollInterval How often every target is listed.
   * @param throttleBackoff The first wait after a throttled call; doubled per attempt.
   * @param throttleAttempts How many times a throttled call is tried before it is reported as
   *     failed.
   */
  public record Aws(
      @DefaultValue @Valid List<AwsTarget> targets,
      @DefaultValue("60s") @NotNull Duration pollInterval,
      @DefaultValue("500ms") @NotNull Duration throttleBackoff,
      @DefaultValue("5") int throttleAttempts) {

    /** Copies the targets. */
    public Aws {
      targets = List.copyOf(targets);
    }
  }

  /**
   * One AWS account and region.
   *
   * @param name The target name, by convention {@code <account>:<region>}.
   * @param region The region, e.g. {@code eu-west-1}.
   * @param profile A named profile from the AWS config files; when unset, the default provider
   *     chain.
   * @param endpoints Endpoint overrides per service ({@code s3}, {@code sqs}, {@code dynamodb},
   *     {@code iam}), for emulators and VPC endpoints.
   * @param services The AWS services to poll ({@code s3}, {@code sqs}, {@code dynamodb}, {@code
   *     iam}); all four by default.
   */
  public record AwsTarget(
      @NotBlank String name,
      @NotBlank String region,
      String profile,
      @DefaultValue Map<String, URI> endpoints,
      @DefaultValue({"s3", "sqs", "dynamodb", "iam"}) List<String> services) {

    /** Copies the endpoints (in order) and services. */
    public AwsTarget {
      endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
      services = List.copyOf(services);
    }
  }
}
