package dev.opsledger.differ;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The differ's settings ({@code opsledger.differ.*}).
 *
 * @param dataDir Where the embedded H2 event store lives when no {@code spring.datasource.url} is
 *     set (the file is {@code <data-dir>/differ.mv.db}).
 * @param snapshotThreshold Take a snapshot of a resource's aggregate every this many events.
 * @param outboxBatchSize How many events the outbox processor handles per transaction (one token
 *     update each).
 * @param publishTimeout How long the outbox waits for Kafka to acknowledge a diff event before it
 *     retries.
 * @param rebuildCatchUpTimeout On a rebuild (no outbox token), how long to wait for the input
 *     consumers to catch up with {@code opsledger.desired} and {@code opsledger.observed} before
 *     publishing anyway.
 * @param rebuildReadTimeout On a rebuild, how long reading {@code opsledger.diffs} to its end may
 *     take per attempt.
 * @param checkpointInterval How often the running differ writes a snapshot of what it last
 *     published per resource to {@code opsledger.differ.checkpoints}, so that a rebuild reads it
 *     and the diffs after it instead of the whole topic; zero writes none.
 * @param ignoreRules Fields not to compare, by kind and name (e.g. HPA-owned {@code
 *     /spec/replicas}).
 * @param fieldManager The server-side apply field manager OpsLedger's applier uses (its {@code
 *     opsledger.applier.kubernetes.field-manager}): the fields its {@code Apply} entry in a live
 *     object's {@code managedFields} owns and Git no longer declares are drift until they are gone.
 * @param inputsPerTransaction At most this many input records (of one poll of {@code
 *     opsledger.desired} or {@code opsledger.observed}) are handled in one unit of work and one
 *     database transaction; a poll holds up to the consumer's {@code max.poll.records} (500).
 */
@ConfigurationProperties("opsledger.differ")
@Validated
public record DifferProperties(
    @DefaultValue("./.opsledger/differ") @NotNull Path dataDir,
    @DefaultValue("50") @Min(1) int snapshotThreshold,
    @DefaultValue("100") @Min(1) int outboxBatchSize,
    @DefaultValue("30s") @NotNull Duration publishTimeout,
    @DefaultValue("10m") @NotNull Duration rebuildCatchUpTimeout,
    @DefaultValue("2m") @NotNull Duration rebuildReadTimeout,
    @DefaultValue("10m") @NotNull Duration checkpointInterval,
    @DefaultValue @Valid List<IgnoreRuleSettings> ignoreRules,
    @DefaultValue("opsledger") @NotBlank String fieldManager,
    @DefaultValue("500") @Min(1) int inputsPerTransaction) {

  /** Copies the rules. */
  public DifferProperties {
    ignoreRules = List.copyOf(ignoreRules);
  }

  /**
   * One ignore rule.
   *
   * @param apiGroup The API group ({@code ""} for core); {@code *} or unset for any.
   * @param kind The kind; {@code *} or unset for any.
   * @param namespace A namespace or glob; unset for any.
   * @param name A name or glob; unset for any.
   * @param jsonPointers The JSON pointers (RFC 6901, {@code *} for any member) not to compare.
   */
  public record IgnoreRuleSettings(
      String apiGroup,
      String kind,
      String namespace,
      String name,
      @DefaultValue @NotEmpty List<String> jsonPointers) {}
}
