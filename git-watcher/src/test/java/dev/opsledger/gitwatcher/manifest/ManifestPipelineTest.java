package dev.opsledger.gitwatcher.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ManifestError;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SecretProtector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestPipelineTest {

  final SecretProtector secrets = new SecretProtector(new byte[32]);
  final ManifestPipeline pipeline =
      new ManifestPipeline("prod", "apps", new ResourceScopes(List.of("Tenant")), secrets);

  ManifestPipeline.FileResult process(String path, String text) {
    return pipeline.process(path, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void expandsListsDefaultsNamespacesAndKnowsClusterScopedKinds() {
    var r =
        process(
            "all.yaml",
            "apiVersion: v1\nkind: List\nitems:\n"
                + "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}}\n"
                + "- {apiVersion: v1, kind: Namespace, metadata: {name: apps}}\n"
                + "---\n"
                + "apiVersion: example.com/v1\nkind: Tenant\nmetadata:\n  name: t1\n"
                + "---\n"
                + "apiVersion: aws.opsledger.dev/v1\nkind: DynamoDBTable\nmetadata:\n  name: orders\n"
                + "spec:\n  billingMode: PROVISIONED\n  provisionedThroughput: {readCapacityUnits: 5, writeCapacityUnits: 5}\n"
                + "  attributeDefinitions: [{attributeName: id, attributeType: S}]\n"
                + "  keySchema: [{attributeName: id, keyType: HASH}]\n  tags: {team: data}\n");
    assertThat(r.errors()).isEmpty();
    assertThat(r.resources())
        .extracting(ManifestPipeline.Resource::key, ManifestPipeline.Resource::line)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                ResourceKey.of("prod", "apps", "Deployment", "apps", "web"), 4),
            org.assertj.core.groups.Tuple.tuple(
                ResourceKey.of("prod", "", "Namespace", "", "apps"), 5),
            org.assertj.core.groups.Tuple.tuple(
                ResourceKey.of("prod", "example.com", "Tenant", "", "t1"), 7),
            org.assertj.core.groups.Tuple.tuple(
                ResourceKey.of("prod", "aws.opsledger.dev", "DynamoDBTable", "", "orders"), 12));
    assertThat(r.resources().get(0).manifest().at("/metadata/namespace").asText())
        .isEqualTo("apps");
  }

  @Test
  void theContentHashIsStableAlthoughSealingIsRandomAndChangesWithTheValue() {
    String secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  pw: one\n";
    var m1 = process("s.yaml", secret).resources().get(0).manifest();
    var m2 = process("s.yaml", secret).resources().get(0).manifest();
    var m3 = process("s.yaml", secret.replace("one", "two")).resources().get(0).manifest();
    assertThat(pipeline.contentHash(m1)).isEqualTo(pipeline.contentHash(m2));
    assertThat(pipeline.contentHash(m1)).isNotEqualTo(pipeline.contentHash(m3));
    assertThat(pipeline.sealed(m1).toString())
        .isNotEqualTo(pipeline.sealed(m2).toString())
        .doesNotContain("one");
  }

  @Test
  void secretsThatWouldNotBeSealedAreRejectedWithTheirLineAndNeverTheirValue() {
    String canary = "c4n4ry-v4lue";
    String b64 = java.util.Base64.getEncoder().encodeToString(canary.getBytes());
    String sealed = secrets.seal(canary.getBytes(), "Secret apps/s data.pw");
    record Shape(String name, String yaml, int line, String reason) {}
    List<Shape> shapes =
        List.of(
            new Shape(
                "kind in lower case",
                "apiVersion: v1\nkind: secret\nmetadata: {name: s}\nstringData: {pw: "
                    + canary
                    + "}\n",
                1,
                "is not 'Secret'"),
            new Shape(
                "kind with spaces",
                "apiVersion: v1\nkind: ' Secret '\nmetadata: {name: s}\ndata: {pw: " + b64 + "}\n",
                1,
                "is not 'Secret'"),
            new Shape(
                "apiVersion not exactly v1",
                "apiVersion: core/v1\nkind: Secret\nmetadata: {name: s}\nstringData: {pw: "
                    + canary
                    + "}\n",
                1,
                "apiVersion must be exactly 'v1'"),
            new Shape(
                "stringData as a block of text",
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: |\n  pw: "
                    + canary
                    + "\n",
                1,
                "stringData must be a map"),
            new Shape(
                "data as a list",
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n- " + b64 + "\n",
                1,
                "data must be a map"),
            new Shape(
                "a number value",
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {pin: 1234}\n",
                1,
                "stringData.pin must be a string"),
            new Shape(
                "a sealed marker copied from the log",
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {pw: '"
                    + sealed
                    + "'}\n",
                1,
                "sealed or hashed marker"),
            new Shape(
                "a value in the sealed marker's form, not sealed by OpsLedger",
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {pw:"
                    + " 'opsledger:sealed:AAAA'}\n",
                1,
                "sealed or hashed marker"),
            new Shape(
                "a hashed marker base64-encoded in data",
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {pw: "
                    + java.util.Base64.getEncoder()
                        .encodeToString("opsledger:hashed:v1:abc".getBytes())
                    + "}\n",
                1,
                "sealed or hashed marker"),
            new Shape(
                "a lower-case secret inside a List",
                "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: ok}}\n"
                    + "- {apiVersion: v1, kind: SECRET, metadata: {name: s}, stringData: {pw: "
                    + canary
                    + "}}\n",
                5,
                "is not 'Secret'"),
            new Shape(
                "a List that is not v1",
                "apiVersion: v2\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {pw: "
                    + canary
                    + "}}\n",
                1,
                "apiVersion: v1"));
    for (Shape shape : shapes) {
      var r = process("secrets.yaml", shape.yaml());
      assertThat(r.errors()).as(shape.name()).hasSize(1);
      ManifestError e = r.errors().get(0);
      assertThat(e.line()).as(shape.name()).isEqualTo(shape.line());
      assertThat(e.reason())
          .as(shape.name())
          .contains(shape.reason())
          .doesNotContain(canary)
          .doesNotContain(b64);
      assertThat(r.resources()).as(shape.name()).noneMatch(res -> res.key().name().equals("s"));
    }
  }

  @Test
  void aJsonSyntaxErrorDoesNotRepeatTheOffendingTokenWhichMayBeASecret() {
    var r =
        process(
            "s.json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"},"
                + "\"stringData\":{\"pw\": hunter2secret}}");
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0).reason()).startsWith("invalid JSON").doesNotContain("hunter2");
  }

  @Test
  void jsonFilesMayHoldSeveralDocumentsAndEmptyYamlDocumentsAreSkipped() {
    var json =
        process(
            "x.json",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n"
                + "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"}}");
    assertThat(json.resources()).hasSize(2);
    var yaml =
        process(
            "x.yaml",
            "---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n");
    assertThat(yaml.errors()).isEmpty();
    assertThat(yaml.resources()).hasSize(1);
  }

  @Test
  void everyErrorOfAFileIsReportedNotOnlyTheFirst() {
    var r =
        process(
            "b.yaml",
            "apiVersion: aws.opsledger.dev/v1\nkind: S3Bucket\nmetadata:\n  name: b\n  namespace: x\n"
                + "spec:\n  versioning: On\n  forceDelete: maybe\n  colour: red\n");
    assertThat(r.errors()).extracting(ManifestError::line).contains(5, 7, 8, 9);
  }

  @Test
  void namesThatCannotBeAUrlSegmentAreRejectedWithTheirLine() {
    // Found by the reliability campaign: a ConfigMap named '..' was accepted and never applied,
    // with no event saying why.
    for (String name : List.of("..", ".", "a/b", "100%")) {
      var r =
          process(
              "n.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"" + name + "\"\n");
      assertThat(r.errors()).as(name).hasSize(1);
      assertThat(r.errors().get(0).line()).isEqualTo(4);
      assertThat(r.errors().get(0).reason()).contains("metadata.name '" + name + "'");
    }
    var ns =
        process("n.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ..}\n");
    assertThat(ns.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).contains("metadata.namespace '..'"));
  }
}
