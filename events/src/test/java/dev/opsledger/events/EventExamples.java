package dev.opsledger.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Realistic events of every type, as the services write them: one chain that starts with a merged
 * pull request and ends with a notification, all correlated by the commit SHA. Also a few variants
 * with the optional fields absent, so that nullable paths are covered too.
 */
final class EventExamples {

  static final String SOURCE_ID = "shop-config";
  static final String REPOSITORY = "https://github.com/example/shop-config.git";
  static final String SHA = "9f2c1e7a4b3d5c6e8f0a1b2c3d4e5f60718293a4";
  static final String PARENT_SHA = "1b0d9c8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c";
  static final String MERGED_BRANCH_SHA = "44aa19e0c3b5d7f9e1a3c5b7d9f1e3a5c7b9d1f3";
  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final Instant COMMITTED_AT = Instant.parse("2025-03-14T09:26:53Z");
  static final Instant T0 = Instant.parse("2025-03-14T09:27:01.589Z");

  static final ResourceKey DEPLOYMENT =
      ResourceKey.of("prod-eu-1", "apps", "Deployment", "shop", "checkout");
  static final ResourceKey SECRET =
      ResourceKey.of("prod-eu-1", "", "Secret", "shop", "checkout-db");
  static final ResourceKey NAMESPACE = ResourceKey.of("prod-eu-1", "", "Namespace", "", "shop");
  static final ResourceKey BUCKET =
      ResourceKey.of(
          "123456789012:eu-west-1", ResourceKey.AWS_GROUP, "S3Bucket", "", "shop-invoices");
  static final ResourceKey ALL_CRON_JOBS =
      ResourceKey.of("prod-eu-1", "batch", "CronJob", "", ResourceKey.ANY_NAME);

  static final Person ADA = new Person("Ada Lovelace", "ada@example.com");
  static final Person GITHUB = new Person("GitHub", "noreply@github.com");
  static final PullRequestRef PULL_REQUEST =
      new PullRequestRef("github", 42, "https://github.com/example/shop-config/pull/42");

  /** The fleet key the examples protect Secret values with. */
  static final byte[] FLEET_KEY =
      "example-fleet-key-32-bytes-long!".getBytes(StandardCharsets.US_ASCII);

  private EventExamples() {}

  /** One example per event type, keyed by type. */
  static Map<EventType, EventEnvelope<?>> byType() {
    Map<EventType, EventEnvelope<?>> map = new EnumMap<>(EventType.class);
    for (EventEnvelope<?> e : chain()) {
      if (map.put(e.type(), e) != null) {
        throw new IllegalStateException("two examples of " + e.type());
      }
    }
    return map;
  }

  /** The example of one type. */
  static EventEnvelope<?> of(EventType type) {
    EventEnvelope<?> e = byType().get(type);
    if (e == null) {
      throw new IllegalStateException("no example of " + type);
    }
    return e;
  }

  /** Events with their optional fields absent or in their less common form. */
  static List<EventEnvelope<?>> variants() {
    List<EventEnvelope<?>> out = new ArrayList<>();
    out.add(observedSecret());
    out.add(
        new EventEnvelope<>(
            "7d4b0c2e-0000-4000-8000-000000000001",
            "/opsledger/git-watcher",
            T0,
            "",
            "",
            "",
            new CommitObserved(
                SOURCE_ID,
                REPOSITORY,
                "main",
                PARENT_SHA,
                List.of(),
                new Person("deploy-bot", ""),
                null,
                null,
                null,
                null,
                List.of("README.md", "apps/checkout/deployment.yaml"),
                null,
                false,
                "0000aaaa1111bbbb2222cccc3333dddd4444eeee")));
    out.add(
        envelope(
            "7d4b0c2e-0000-4000-8000-000000000002",
            "/opsledger/audit-cli",
            new SyncApproved(null, SOURCE_ID, SHA, ADA, null, T0)));
    out.add(
        envelope(
            "7d4b0c2e-0000-4000-8000-000000000003",
            "/opsledger/applier",
            new ApplyFailed(
                BUCKET, SOURCE_ID, SHA, true, "NeedsReplace", null, null, 1, T0, null)));
    out.add(
        envelope(
            "7d4b0c2e-0000-4000-8000-000000000004",
            "/opsledger/differ",
            new ResourceExtraneous(NAMESPACE, null, null, null, T0)));
    out.add(
        envelope(
            "7d4b0c2e-0000-4000-8000-000000000005",
            "/opsledger/git-watcher",
            new CommitRejected(
                SOURCE_ID,
                null,
                null,
                SHA,
                null,
                null,
                null,
                List.of(new ManifestError("apps/checkout/", 0, "directory has no manifests")),
                null)));
    return out;
  }

  private static List<EventEnvelope<?>> chain() {
    ObjectNode desired = json(DEPLOYMENT_MANIFEST);
    ObjectNode live = json(LIVE_DEPLOYMENT);
    String liveHash = CanonicalJson.hash(live);
    String commitId = "0b7e2f4c-1d3a-4e5b-8c6d-7e8f9a0b1c2d";
    String desiredId = "1c8f3a5d-2e4b-4f6c-9d7e-8f9a0b1c2d3e";
    String driftId = "2d9a4b6e-3f5c-4a7d-8e8f-9a0b1c2d3e4f";
    String startedId = "3e0b5c7f-4a6d-4b8e-9f9a-0b1c2d3e4f5a";
    String succeededId = "4f1c6d8a-5b7e-4c9f-8a0b-1c2d3e4f5a6b";

    return List.of(
        new EventEnvelope<>(
            commitId,
            "/opsledger/git-watcher",
            T0,
            SHA,
            "",
            TRACEPARENT,
            new CommitObserved(
                SOURCE_ID,
                REPOSITORY,
                "main",
                SHA,
                List.of(PARENT_SHA, MERGED_BRANCH_SHA),
                ADA,
                GITHUB,
                COMMITTED_AT.minusSeconds(3600),
                COMMITTED_AT,
                "Scale checkout to 3 replicas and bump to 1.4.2 (#42)\n\nBlack Friday prep.\n",
                List.of("apps/checkout/deployment.yaml"),
                PULL_REQUEST,
                true,
                null,
                42L,
                0)),
        new EventEnvelope<>(
            "5a2d7e9b-6c8f-4d0a-9b1c-2d3e4f5a6b7c",
            "/opsledger/git-watcher",
            T0,
            SHA,
            "",
            TRACEPARENT,
            new CommitRejected(
                "payments-config",
                "https://gitlab.example.com/platform/payments-config.git",
                "main",
                "b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2",
                ADA,
                COMMITTED_AT,
                new PullRequestRef("gitlab", 7, ""),
                List.of(
                    new ManifestError(
                        "apps/payments/service.yaml", 12, "spec.ports[0].port must be a number"),
                    new ManifestError("apps/payments/broken.yaml", 3, "YAML: mapping expected")),
                "c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3")),
        caused(
            desiredId,
            "/opsledger/git-watcher",
            commitId,
            new DesiredStateChanged(
                DEPLOYMENT,
                SOURCE_ID,
                SHA,
                "apps/checkout/deployment.yaml",
                CanonicalJson.hash(desired),
                desired,
                ADA,
                COMMITTED_AT,
                PULL_REQUEST,
                42L)),
        caused(
            "6b3e8f0c-7d9a-4e1b-8c2d-3e4f5a6b7c8d",
            "/opsledger/git-watcher",
            commitId,
            new DesiredStateRemoved(
                ResourceKey.of("prod-eu-1", "", "ConfigMap", "shop", "checkout-legacy"),
                SOURCE_ID,
                SHA,
                "apps/checkout/legacy-config.yaml",
                ADA,
                COMMITTED_AT,
                PULL_REQUEST,
                42L,
                3,
                12)),
        new EventEnvelope<>(
            "7c4f9a1d-8e0b-4f2c-9d3e-4f5a6b7c8d9e",
            "/opsledger/state-collector",
            T0,
            "",
            "",
            "",
            new ObservedStateChanged(
                DEPLOYMENT,
                T0.minusMillis(250),
                "884213",
                liveHash,
                live,
                true,
                "0b7e9f2a-4c1d-4e8b-9a3f-6d5c2b1a0e9f")),
        new EventEnvelope<>(
            "8d5a0b2e-9f1c-4a3d-8e4f-5a6b7c8d9e0f",
            "/opsledger/state-collector",
            T0,
            "",
            "",
            "",
            new ObservedStateAbsent(
                ResourceKey.of("prod-eu-1", "", "ConfigMap", "shop", "checkout-legacy"),
                T0,
                "deleted")),
        new EventEnvelope<>(
            "9e6b1c3f-0a2d-4b4e-9f5a-6b7c8d9e0f1a",
            "/opsledger/state-collector",
            T0,
            "",
            "",
            "",
            new ObservationFailed(
                ALL_CRON_JOBS,
                T0,
                "Forbidden",
                "cronjobs.batch is forbidden: User \"system:serviceaccount:opsledger:collector\""
                    + " cannot list resource \"cronjobs\" in API group \"batch\" at the cluster"
                    + " scope",
                403,
                false)),
        new EventEnvelope<>(
            "4b7e2c90-1d3f-4a6b-8c5d-0e9f1a2b3c4d",
            "/opsledger/state-collector",
            T0,
            "",
            "",
            "",
            new ResourceHealthChanged(
                DEPLOYMENT,
                T0.plusSeconds(30),
                HealthStatus.HEALTHY,
                HealthStatus.PROGRESSING,
                "DeploymentRollout",
                "3 of 3 updated replicas are available",
                "884299")),
        caused(
            driftId,
            "/opsledger/differ",
            desiredId,
            new DriftDetected(
                DEPLOYMENT,
                SOURCE_ID,
                SHA,
                liveHash,
                T0,
                json(
                    """
                    [
                      {"op": "replace", "path": "/spec/replicas", "value": 3},
                      {"op": "replace", "path": "/spec/template/spec/containers/0/image",
                       "value": "registry.example.com/shop/checkout:1.4.2"}
                    ]
                    """),
                """
                --- live
                +++ desired
                @@ spec @@
                -  replicas: 2
                +  replicas: 3
                """,
                List.of("/spec/replicas", "/spec/template/spec/containers/0/image"))),
        caused(
            "0f7c2d4a-1b3e-4c5f-8a6b-7c8d9e0f1a2b",
            "/opsledger/differ",
            succeededId,
            new ResourceInSync(DEPLOYMENT, SOURCE_ID, SHA, CanonicalJson.hash(desired), T0)),
        caused(
            "1a8d3e5b-2c4f-4d6a-9b7c-8d9e0f1a2b3c",
            "/opsledger/differ",
            desiredId,
            new ResourceMissing(BUCKET, SOURCE_ID, SHA, T0)),
        caused(
            "2b9e4f6c-3d5a-4e7b-8c8d-9e0f1a2b3c4d",
            "/opsledger/differ",
            commitId,
            new ResourceExtraneous(
                ResourceKey.of("prod-eu-1", "", "ConfigMap", "shop", "checkout-legacy"),
                SOURCE_ID,
                SHA,
                CanonicalJson.hash(json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}")),
                T0,
                "5f1c3a7e-2b9d-4f60-8c4e-1a2b3c4d5e6f")),
        caused(
            "3c0f5a7d-4e6b-4f8c-9d9e-0f1a2b3c4d5e",
            "/opsledger/differ",
            commitId,
            new ResourceRemoved(
                ResourceKey.of("prod-eu-1", "", "ConfigMap", "shop", "checkout-legacy"),
                SOURCE_ID,
                SHA,
                T0)),
        caused(
            "4d1a6b8e-5f7c-4a9d-8e0f-1a2b3c4d5e6f",
            "/opsledger/differ",
            desiredId,
            new DiffFailed(
                ResourceKey.of("prod-eu-1", "monitoring.coreos.com", "ServiceMonitor", "shop", "x"),
                SOURCE_ID,
                SHA,
                T0,
                "no schema for monitoring.coreos.com/v1 ServiceMonitor: CRD not installed")),
        caused(
            startedId,
            "/opsledger/applier",
            driftId,
            new ApplyStarted(DEPLOYMENT, SOURCE_ID, SHA, ApplyAction.APPLY, false, 1, T0)),
        caused(
            succeededId,
            "/opsledger/applier",
            startedId,
            new ApplySucceeded(
                DEPLOYMENT,
                SOURCE_ID,
                SHA,
                ApplyOutcome.PATCHED,
                false,
                1,
                T0.plusMillis(412),
                412L)),
        caused(
            "5e2b7c9f-6a8d-4b0e-9f1a-2b3c4d5e6f7a",
            "/opsledger/applier",
            startedId,
            new ApplyFailed(
                SECRET,
                SOURCE_ID,
                SHA,
                false,
                "Conflict",
                "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data",
                409,
                2,
                T0,
                T0.plusSeconds(20))),
        caused(
            "6f3c8d0a-7b9e-4c1f-8a2b-3c4d5e6f7a8b",
            "/opsledger/applier",
            driftId,
            new ApplySkipped(
                NAMESPACE,
                SOURCE_ID,
                SHA,
                "prune-disabled",
                "Namespace shop is no longer declared; pruning is off for source shop-config",
                T0)),
        caused(
            "2c7e4a91-5b3d-4f60-8e1a-9d0c2b4f6a81",
            "/opsledger/applier",
            driftId,
            new PruneHeld(SOURCE_ID, SHA, 11, 12, T0)),
        caused(
            "3d8f5b02-6c4e-4071-9f2b-0e1d3c5a7b92",
            "/opsledger/applier",
            driftId,
            new FieldsConflicted(
                DEPLOYMENT,
                SOURCE_ID,
                SHA,
                true,
                List.of(new FieldsConflicted.Field("hpa-controller", ".spec.replicas")),
                T0)),
        caused(
            "7a4d9e1b-8c0f-4d2a-9b3c-4d5e6f7a8b9c",
            "/opsledger/audit-cli",
            driftId,
            new SyncApproved(
                BUCKET, SOURCE_ID, SHA, ADA, "approved in change CHG-2291 for the release", T0)),
        caused(
            "5e2a7c41-3b9d-4f08-a1c6-2d7e9b0f4a53",
            "/opsledger/applier",
            driftId,
            new RollbackRequested(
                DEPLOYMENT,
                SOURCE_ID,
                SOURCE_ID,
                PARENT_SHA,
                SHA,
                8L,
                json(DEPLOYMENT_MANIFEST),
                ADA,
                "9f2c1e7 ships a bad image tag",
                T0)),
        caused(
            "6f3b8d52-4c0e-4a19-b2d7-3e8f0c1a5b64",
            "/opsledger/applier",
            driftId,
            new SyncResumed(DEPLOYMENT, SOURCE_ID, PARENT_SHA, MERGED_BRANCH_SHA, T0)),
        caused(
            "8b5e0f2c-9d1a-4e3b-8c4d-5e6f7a8b9c0d",
            "/opsledger/notifier",
            driftId,
            new NotificationSent(
                DEPLOYMENT.toString(),
                "shop-alerts",
                "slack",
                driftId,
                EventType.DRIFT_DETECTED.ceType(),
                DEPLOYMENT + "|" + SHA + "|drift",
                1,
                T0)),
        caused(
            "9c6f1a3d-0e2b-4f4c-9d5e-6f7a8b9c0d1e",
            "/opsledger/notifier",
            succeededId,
            new NotificationFailed(
                SOURCE_ID,
                "github-commit-status",
                "github-status",
                succeededId,
                EventType.APPLY_SUCCEEDED.ceType(),
                "HTTP 401 from api.github.com: Bad credentials",
                5,
                T0)),
        caused(
            "ad7f1b3e-0f2c-4d5e-9a6b-7c8d9e0f1a2b",
            "/opsledger/notifier",
            driftId,
            new NotificationFolded(
                DEPLOYMENT.toString(),
                "shop-alerts",
                "slack",
                driftId,
                EventType.DRIFT_DETECTED.ceType(),
                DEPLOYMENT + "|drifted",
                "drift-detected",
                T0)),
        envelope(
            "b1e2d3c4-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
            "/opsledger/git-watcher",
            new PreviewRendered(
                SOURCE_ID,
                REPOSITORY,
                "github",
                43,
                MERGED_BRANCH_SHA,
                SHA,
                T0,
                List.of(new PreviewResource(DEPLOYMENT, "apps/checkout/deployment.yaml", desired)),
                List.of(BUCKET))),
        caused(
            "c2f3e4d5-6b7c-4d8e-9f0a-1b2c3d4e5f6a",
            "/opsledger/differ",
            "b1e2d3c4-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
            new PreviewDiffed(
                SOURCE_ID,
                REPOSITORY,
                "github",
                43,
                MERGED_BRANCH_SHA,
                T0,
                List.of(
                    new PreviewChange(
                        DEPLOYMENT,
                        PreviewChangeKind.CHANGED,
                        "@@ -1 +1 @@\n-replicas: 2\n+replicas: 3\n"),
                    new PreviewChange(BUCKET, PreviewChangeKind.PRUNED, "")))),
        envelope(
            "d3a4b5c6-7d8e-4f9a-8b1c-2d3e4f5a6b7c",
            "/opsledger/git-watcher",
            new PreviewRejected(
                SOURCE_ID,
                REPOSITORY,
                "gitlab",
                7,
                PARENT_SHA,
                T0,
                List.of(
                    new ManifestError("apps/checkout/broken.yaml", 3, "YAML: mapping expected")))),
        envelope(
            "e4b5c6d7-8e9f-4a0b-9c2d-3e4f5a6b7c8d",
            "/opsledger/git-watcher",
            new PreviewClosed(SOURCE_ID, REPOSITORY, "github", 43, true, T0)));
  }

  /** A Secret as the state-collector writes it: its values replaced by keyed hashes. */
  static EventEnvelope<ObservedStateChanged> observedSecret() {
    ObjectNode liveSecret =
        new SecretProtector(FLEET_KEY).protectManifest(json(LIVE_SECRET), false);
    return new EventEnvelope<>(
        "ad7a2b4e-1f3c-4a5d-8e6f-7a8b9c0d1e2f",
        "/opsledger/state-collector",
        T0,
        "",
        "",
        "",
        new ObservedStateChanged(
            SECRET, T0, "884301", CanonicalJson.hash(liveSecret), liveSecret, true));
  }

  private static <E extends OpsLedgerEvent> EventEnvelope<E> envelope(
      String id, String source, E data) {
    return new EventEnvelope<>(id, source, T0, SHA, "", TRACEPARENT, data);
  }

  private static <E extends OpsLedgerEvent> EventEnvelope<E> caused(
      String id, String source, String causation, E data) {
    return new EventEnvelope<>(id, source, T0, SHA, causation, TRACEPARENT, data);
  }

  @SuppressWarnings("unchecked")
  static <T extends JsonNode> T json(String text) {
    try {
      return (T) EventJson.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad example JSON", e);
    }
  }

  private static final String DEPLOYMENT_MANIFEST =
      """
      {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
          "name": "checkout",
          "namespace": "shop",
          "labels": {"app.kubernetes.io/name": "checkout", "app.kubernetes.io/managed-by": "opsledger"}
        },
        "spec": {
          "replicas": 3,
          "selector": {"matchLabels": {"app.kubernetes.io/name": "checkout"}},
          "template": {
            "metadata": {"labels": {"app.kubernetes.io/name": "checkout"}},
            "spec": {
              "containers": [{
                "name": "checkout",
                "image": "registry.example.com/shop/checkout:1.4.2",
                "ports": [{"containerPort": 8080, "name": "http"}],
                "resources": {"requests": {"cpu": "500m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}}
              }]
            }
          }
        }
      }
      """;

  private static final String LIVE_DEPLOYMENT =
      """
      {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
          "name": "checkout",
          "namespace": "shop",
          "uid": "5f0c4a3e-9b1d-4c7e-8a2f-6d3b1e0c9a7f",
          "resourceVersion": "884213",
          "generation": 17,
          "labels": {"app.kubernetes.io/name": "checkout", "app.kubernetes.io/managed-by": "opsledger"}
        },
        "spec": {
          "replicas": 2,
          "selector": {"matchLabels": {"app.kubernetes.io/name": "checkout"}},
          "template": {
            "metadata": {"labels": {"app.kubernetes.io/name": "checkout"}},
            "spec": {
              "containers": [{
                "name": "checkout",
                "image": "registry.example.com/shop/checkout:1.4.1",
                "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                "resources": {"requests": {"cpu": "0.5", "memory": "256Mi"}, "limits": {"memory": "1Gi"}}
              }]
            }
          }
        },
        "status": {"replicas": 2, "readyReplicas": 2, "observedGeneration": 17}
      }
      """;

  private static final String LIVE_SECRET =
      """
      {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": {"name": "checkout-db", "namespace": "shop", "resourceVersion": "884301"},
        "data": {"password": "czNjcjN0LXBhNTV3b3Jk", "username": "Y2hlY2tvdXQ="}
      }
      """;
}
