package dev.opsledger.gitwatcher.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ManifestError;
import dev.opsledger.events.SecretProtector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A revision that could never be published is rejected whole, not retried for ever. */
class RevisionScanTest {

  final ManifestPipeline pipeline =
      new ManifestPipeline(
          "prod", "apps", new ResourceScopes(List.of()), new SecretProtector(new byte[32]));

  /** JSON, since YAML files are capped well below the record limit by the YAML parser. */
  static byte[] configMap(String name, int valueBytes) {
    return ("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \""
            + name
            + "\"}, \"data\": {\"blob\": \""
            + "a".repeat(valueBytes)
            + "\"}}\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aResourceTooLargeForOneRecordRejectsTheRevisionWithItsFileAndLine() throws Exception {
    // A user raised the file limit above the record limit: the file is read, the resource is not.
    RevisionScan scan =
        new RevisionScan(pipeline, RevisionIndex.empty(), 64L * 1024 * 1024, id -> null);
    byte[] big = configMap("big", ManifestPipeline.MAX_MANIFEST_BYTES + 1);
    scan.file("big.json", "blob-1", big.length, () -> big);
    byte[] small = configMap("small", 10);
    scan.file("small.json", "blob-2", small.length, () -> small);

    RevisionOutcome outcome = scan.finish();

    assertThat(outcome).isInstanceOf(RevisionOutcome.Rejected.class);
    List<ManifestError> errors = ((RevisionOutcome.Rejected) outcome).errors();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).file()).isEqualTo("big.json");
    assertThat(errors.get(0).line()).isEqualTo(1);
    assertThat(errors.get(0).reason()).contains("over the limit").contains("one Kafka record");
  }

  @Test
  void aResourceJustUnderTheLimitIsAccepted() throws Exception {
    RevisionScan scan =
        new RevisionScan(pipeline, RevisionIndex.empty(), 64L * 1024 * 1024, id -> null);
    byte[] fits = configMap("fits", ManifestPipeline.MAX_MANIFEST_BYTES - 1024);
    scan.file("fits.json", "blob-1", fits.length, () -> fits);

    assertThat(scan.finish()).isInstanceOf(RevisionOutcome.Accepted.class);
  }
}
