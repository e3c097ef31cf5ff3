package dev.opsledger.collector.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.SecretProtector;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class LiveProjectionTest {

  private final LiveProjection projection = new LiveProjection(new SecretProtector(new byte[32]));

  @Test
  void dropsStatusAndServerSetMetadataAndHashesWhatItEmits() {
    Observation.Present p =
        present(
            """
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"api","namespace":"prod","uid":"u-1","resourceVersion":"42",
               "generation":3,"creationTimestamp":"2026-01-01T00:00:00Z",
               "managedFields":[{"manager":"kubectl"}],"labels":{"a":"b"}},
             "spec":{"replicas":2},"status":{"readyReplicas":1}}
            """);

    assertThat(p.key().toString()).isEqualTo("t/apps/Deployment/prod/api");
    assertThat(p.resourceVersion()).isEqualTo("42");
    assertThat(p.live().toString())
        .isEqualTo(
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"labels\":{\"a\":\"b\"},"
                + "\"name\":\"api\",\"namespace\":\"prod\"},\"spec\":{\"replicas\":2}}");
    assertThat(p.contentHash()).isEqualTo(CanonicalJson.hash(p.live()));
  }

  @Test
  void assessesHealthFromTheStatusItThenLeavesOut() {
    Observation.Present p =
        present(
            """
            {"apiVersion":"v1","kind":"PersistentVolumeClaim",
             "metadata":{"name":"data","namespace":"prod"},"spec":{},"status":{"phase":"Lost"}}
            """);

    assertThat(p.health().status()).isEqualTo(dev.opsledger.events.HealthStatus.DEGRADED);
    assertThat(p.live().has("status")).isFalse();
  }

  @Test
  void aStatusOrResourceVersionChangeKeepsTheHash() {
    String base =
        """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n",
          "resourceVersion":"%s","uid":"%s"},"spec":{"ports":[{"port":80}]},"status":%s}
        """;
    String first = present(base.formatted("1", "u1", "{}")).contentHash();
    String statusOnly =
        present(
                base.formatted(
                    "2", "u1", "{\"loadBalancer\":{\"ingress\":[{\"ip\":\"1.2.3.4\"}]}}"))
            .contentHash();
    String recreated = present(base.formatted("9", "u2", "{}")).contentHash();

    assertThat(statusOnly).isEqualTo(first);
    assertThat(recreated).isEqualTo(first);
  }

  @Test
  void carriesTheUidBesideTheProjectionNotInIt() {
    Observation.Present p =
        present(
            """
            {"apiVersion":"v1","kind":"ConfigMap",
             "metadata":{"name":"c","namespace":"n","uid":"6a1f-u1","resourceVersion":"7"}}
            """);
    Observation.Present noUid =
        present(
            """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n"}}
            """);

    assertThat(p.uid()).isEqualTo("6a1f-u1");
    assertThat(p.live().path("metadata").has("uid")).isFalse();
    assertThat(p.contentHash()).isEqualTo(noUid.contentHash());
    assertThat(noUid.uid()).isNull();
  }

  @Test
  void aSpecLabelOrDeletionTimestampChangeChangesTheHash() {
    String hash = present(configMap("\"labels\":{}", "\"k\":\"1\"")).contentHash();

    assertThat(present(configMap("\"labels\":{}", "\"k\":\"2\"")).contentHash()).isNotEqualTo(hash);
    assertThat(present(configMap("\"labels\":{\"x\":\"y\"}", "\"k\":\"1\"")).contentHash())
        .isNotEqualTo(hash);
    assertThat(
            present(configMap("\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"", "\"k\":\"1\""))
                .contentHash())
        .isNotEqualTo(hash);
  }

  @Test
  void marksObjectsCarryingTheManagedByLabel() {
    assertThat(
            present(configMap("\"labels\":{\"app.kubernetes.io/managed-by\":\"opsledger\"}", ""))
                .managed())
        .isTrue();
    assertThat(
            present(configMap("\"labels\":{\"app.kubernetes.io/managed-by\":\"helm\"}", ""))
                .managed())
        .isFalse();
  }

  @Test
  void hashesSecretValuesAndDropsTheLastAppliedAnnotation() {
    String plain = "s3cr3t-value";
    String b64 = Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    Observation.Present p =
        present(
            """
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"n",
              "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"data\\":{\\"pw\\":\\"%s\\"}}"}},
             "data":{"pw":"%s"}}
            """
                .formatted(b64, b64));

    assertThat(p.live().toString()).doesNotContain(plain).doesNotContain(b64);
    assertThat(p.live().path("data").path("pw").asText()).startsWith(SecretProtector.HASHED_PREFIX);
  }

  @Test
  void keepsOnlyOpsLedgersApplyEntryOfManagedFieldsWithoutItsTime() {
    Observation.Present p =
        present(
            configMap(
                """
                "managedFields":[
                  {"manager":"opsledger","operation":"Apply","apiVersion":"v1",
                   "time":"2026-01-01T00:00:00Z","fieldsType":"FieldsV1",
                   "fieldsV1":{"f:data":{"f:k":{}},"f:metadata":{"f:labels":{"f:tier":{}}}}},
                  {"manager":"kubectl-edit","operation":"Update","apiVersion":"v1",
                   "time":"2026-01-01T00:00:00Z","fieldsV1":{"f:data":{"f:x":{}}}},
                  {"manager":"opsledger","operation":"Update","apiVersion":"v1",
                   "fieldsV1":{"f:data":{"f:y":{}}}},
                  {"manager":"opsledger","operation":"Apply","subresource":"status",
                   "fieldsV1":{"f:status":{}}}]""",
                "\"k\":\"1\""));

    assertThat(p.live().path("metadata").path("managedFields").toString())
        .isEqualTo(
            "[{\"apiVersion\":\"v1\",\"fieldsV1\":{\"f:data\":{\"f:k\":{}},"
                + "\"f:metadata\":{\"f:labels\":{\"f:tier\":{}}}},"
                + "\"manager\":\"opsledger\",\"operation\":\"Apply\"}]");
  }

  @Test
  void aReApplyThatOnlyMovesTheApplyTimeOrAnotherManagersEntryKeepsTheHash() {
    String base =
        """
        "managedFields":[
          {"manager":"opsledger","operation":"Apply","apiVersion":"v1","time":"%s",
           "fieldsV1":{"f:data":{"f:k":{}}}},
          {"manager":"hpa","operation":"Update","time":"%s","fieldsV1":{"f:data":{"f:%s":{}}}}]""";
    String first =
        present(configMap(base.formatted("2026-01-01T00:00:00Z", "t1", "x"), "")).contentHash();
    String later =
        present(configMap(base.formatted("2026-02-02T00:00:00Z", "t2", "z"), "")).contentHash();
    String withoutAny = present(configMap("", "")).contentHash();

    assertThat(later).isEqualTo(first);
    assertThat(withoutAny).isNotEqualTo(first);
  }

  @Test
  void aSecretsManagedFieldsNameItsKeysButNeverItsValues() {
    String b64 =
        Base64.getEncoder().encodeToString("s3cr3t-value".getBytes(StandardCharsets.UTF_8));
    Observation.Present p =
        present(
            """
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"n",
              "managedFields":[{"manager":"opsledger","operation":"Apply","apiVersion":"v1",
                "fieldsV1":{"f:data":{"f:pw":{}},"f:type":{}}}]},
             "data":{"pw":"%s"},"type":"Opaque"}
            """
                .formatted(b64));

    assertThat(p.live().path("metadata").path("managedFields").get(0).path("fieldsV1").toString())
        .isEqualTo("{\"f:data\":{\"f:pw\":{}},\"f:type\":{}}");
    assertThat(p.live().toString()).doesNotContain(b64);
    assertThat(p.live().path("data").path("pw").asText()).startsWith(SecretProtector.HASHED_PREFIX);
  }

  @Test
  void aSecretValueThatIsNotBase64IsUnserializableWithoutItsValueInTheMessage() {
    Observation o =
        projection.project(
            "t",
            json(
                """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"n"},
                 "data":{"pw":"plain text!"}}
                """));

    assertThat(o).isInstanceOf(Observation.Failed.class);
    Observation.Failed f = (Observation.Failed) o;
    assertThat(f.reason()).isEqualTo(FailureReason.UNSERIALIZABLE);
    assertThat(f.key().toString()).isEqualTo("t/core/Secret/n/db");
    assertThat(f.message()).doesNotContain("plain text!");
  }

  @Test
  void anObjectWithoutANameIsUnserializableForItsKind() {
    Observation o =
        projection.project(
            "t", json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{}}"));

    assertThat(o).isInstanceOf(Observation.Failed.class);
    assertThat(o.key().name()).isEqualTo("*");
  }

  private static String configMap(String metadataExtra, String data) {
    String extra = metadataExtra.isEmpty() ? "" : "," + metadataExtra;
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"namespace\":\"n\""
        + extra
        + "},\"data\":{"
        + data
        + "}}";
  }

  private Observation.Present present(String text) {
    return (Observation.Present) projection.project("t", json(text));
  }

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) EventJson.mapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
