package dev.opsledger.differ;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The differ's settings ({@code opsledger.differ.*}). */
@ConfigurationProperties("opsledger.differ")
@Validated
public class DifferProperties {

  /**
   * Where the embedded H2 event store lives when no {@code spring.datasource.url} is set (the file
   * is {@code <data-dir>/differ.mv.db}).
   */
  @NotNull private Path dataDir = Path.of("./.opsledger/differ");

  /** Take a snapshot of a resource's aggregate every this many events. */
  @Min(1)
  private int snapshotThreshold = 50;

  /** How many events the outbox processor handles per transaction (one token update each). */
  @Min(1)
  private int outboxBatchSize = 100;

  /** How long the outbox waits for Kafka to acknowledge a diff event before it retries. */
  @NotNull private Duration publishTimeout = Duration.ofSeconds(30);

  /**
   * On a rebuild (no outbox token), how long to wait for the input consumers to catch up with
   * {@code opsledger.desired} and {@code opsledger.observed} before publishing anyway.
   */
  @NotNull private Duration rebuildCatchUpTimeout = Duration.ofMinutes(10);

  /** On a rebuild, how long reading {@code opsledger.diffs} to its end may take per attempt. */
  @NotNull private Duration rebuildReadTimeout = Duration.ofMinutes(2);

  /** Fields not to compare, by kind and name (e.g. HPA-owned {@code /spec/replicas}). */
  @Valid private List<IgnoreRuleSettings> ignoreRules = new ArrayList<>();

  /** One ignore rule. */
  public static class IgnoreRuleSettings {
    /** The API group ({@code ""} for core); {@code *} or unset for any. */
    private String apiGroup;

    /** The kind; {@code *} or unset for any. */
    private String kind;

    /** A namespace or glob; unset for any. */
    private String namespace;

    /** A name or glob; unset for any. */
    private String name;

    /** The JSON pointers (RFC 6901, {@code *} for any member) not to compare. */
    @NotEmpty private List<String> jsonPointers = new ArrayList<>();

    public String getApiGroup() {
      return apiGroup;
    }

    public void setApiGroup(String apiGroup) {
      this.apiGroup = apiGroup;
    }

    public String getKind() {
      return kind;
    }

    public void setKind(String kind) {
      this.kind = kind;
    }

    public String getNamespace() {
      return namespace;
    }

    public void setNamespace(String namespace) {
      this.namespace = namespace;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public List<String> getJsonPointers() {
      return jsonPointers;
    }

    public void setJsonPointers(List<String> jsonPointers) {
      this.jsonPointers = jsonPointers;
    }
  }

  public Path getDataDir() {
    return dataDir;
  }

  public void setDataDir(Path dataDir) {
    this.dataDir = dataDir;
  }

  public int getSnapshotThreshold() {
    return snapshotThreshold;
  }

  public void setSnapshotThreshold(int snapshotThreshold) {
    this.snapshotThreshold = snapshotThreshold;
  }

  public int getOutboxBatchSize() {
    return outboxBatchSize;
  }

  public void setOutboxBatchSize(int outboxBatchSize) {
    this.outboxBatchSize = outboxBatchSize;
  }

  public Duration getPublishTimeout() {
    return publishTimeout;
  }

  public void setPublishTimeout(Duration publishTimeout) {
    this.publishTimeout = publishTimeout;
  }

  public Duration getRebuildCatchUpTimeout() {
    return rebuildCatchUpTimeout;
  }

  public void setRebuildCatchUpTimeout(Duration rebuildCatchUpTimeout) {
    this.rebuildCatchUpTimeout = rebuildCatchUpTimeout;
  }

  public Duration getRebuildReadTimeout() {
    return rebuildReadTimeout;
  }

  public void setRebuildReadTimeout(Duration rebuildReadTimeout) {
    this.rebuildReadTimeout = rebuildReadTimeout;
  }

  public List<IgnoreRuleSettings> getIgnoreRules() {
    return ignoreRules;
  }

  public void setIgnoreRules(List<IgnoreRuleSettings> ignoreRules) {
    this.ignoreRules = ignoreRules;
  }
}
