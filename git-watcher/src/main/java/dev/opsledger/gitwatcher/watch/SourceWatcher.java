package dev.opsledger.gitwatcher.watch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ManifestError;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.PreviewResource;
import dev.opsledger.events.PullRequestRef;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.gitwatcher.GitWatcherMetrics;
import dev.opsledger.gitwatcher.commit.PullRequestParser;
import dev.opsledger.gitwatcher.git.CommitPlan;
import dev.opsledger.gitwatcher.git.GitCommit;
import dev.opsledger.gitwatcher.git.GitMirror;
import dev.opsledger.gitwatcher.manifest.DesiredChanges;
import dev.opsledger.gitwatcher.manifest.ManifestPipeline;
import dev.opsledger.gitwatcher.manifest.RevisionIndex;
import dev.opsledger.gitwatcher.manifest.RevisionOutcome;
import dev.opsledger.gitwatcher.manifest.RevisionScan;
import dev.opsledger.gitwatcher.render.RenderResult;
import dev.opsledger.gitwatcher.render.RenderedFile;
import dev.opsledger.gitwatcher.render.SourceRenderer;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.service.core.EventSink;
import dev.opsledger.service.tracing.EventTracing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source's watch cycle, read top-down in {@link #runOnce()}: initialise from the checkpoint,
 * fetch, plan, then record each revision. Not thread-safe: the {@link FetchScheduler} runs one
 * cycle per source at a time.
 */
public final class SourceWatcher implements AutoCloseable {

  /** The {@code ce_source} of the git-watcher's events. */
  public static final String EVENT_SOURCE = "/opsledger/git-watcher";

  /** The name of the root span of a revision's recording. */
  public static final String RECORD_SPAN = "record commit";

  /** Errors listed in one {@code CommitRejected}; the rest are summarised, to bound its size. */
  static final int MAX_ERRORS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(SourceWatcher.class);

  private final SourceSettings source;
  private final GitMirror mirror;
  private final ManifestPipeline pipeline;
  private final CheckpointReader checkpoints;
  private final EventSink sink;
  private final GitWatcherMetrics metrics;
  private final long maxFileBytes;
  private final int batchSize;
  private final SourceRenderer renderer;
  private final EventTracing tracing;

  /** The tree id of the last render and its result: an unchanged tree is not rendered again. */
  private String renderedTree;

  private RenderResult rendered;

  /** The rendered files of the revision being scanned, by id, for the blob readers. */
  private Map<String, byte[]> renderedById = Map.of();

  private boolean initialized;

  /** Set when this replica takes the lease over: another one may have recorded meanwhile. */
  private volatile boolean resumeFromLog;

  /** The source's pull request previews, or null when they are off. */
  private PreviewWatcher previews;

  private String lastRecorded;
  private String lastGood;
  private long lastSequence;
  private RevisionIndex lastGoodIndex = RevisionIndex.empty();

  /**
   * A watcher of one source.
   *
   * @param source the source
   * @param mirror its clone
   * @param pipeline its manifest pipeline
   * @param checkpoints reads its checkpoint at start
   * @param sink publishes its events
   * @param metrics meters
   * @param maxFileBytes the size cap of manifest files
   * @param batchSize desired events sent before waiting for acknowledgement
   */
  public SourceWatcher(
      SourceSettings source,
      GitMirror mirror,
      ManifestPipeline pipeline,
      CheckpointReader checkpoints,
      EventSink sink,
      GitWatcherMetrics metrics,
      long maxFileBytes,
      int batchSize) {
    this(source, mirror, pipeline, checkpoints, sink, metrics, maxFileBytes, batchSize, null);
  }

  /**
   * A watcher of one source that renders directories.
   *
   * @param source the source
   * @param mirror its clone
   * @param pipeline its manifest pipeline
   * @param checkpoints reads its checkpoint at start
   * @param sink publishes its events
   * @param metrics meters
   * @param maxFileBytes the size cap of manifest files (and of one rendered file)
   * @param batchSize desired events sent before waiting for acknowledgement
   * @param renderer renders its Kustomize paths and Helm charts; null when it renders nothing
   */
  public SourceWatcher(
      SourceSettings source,
      GitMirror mirror,
      ManifestPipeline pipeline,
      CheckpointReader checkpoints,
      EventSink sink,
      GitWatcherMetrics metrics,
      long maxFileBytes,
      int batchSize,
      SourceRenderer renderer) {
    this(
        source,
        mirror,
        pipeline,
        checkpoints,
        sink,
        metrics,
        maxFileBytes,
        batchSize,
        renderer,
        EventTracing.off());
  }

  /**
   * A watcher of one source whose recordings start traces.
   *
   * @param source the source
   * @param mirror its clone
   * @param pipeline its manifest pipeline
   * @param checkpoints reads its checkpoint at start
   * @param sink publishes its events
   * @param metrics meters
   * @param maxFileBytes the size cap of manifest files (and of one rendered file)
   * @param batchSize desired events sent before waiting for acknowledgement
   * @param renderer renders its Kustomize paths and Helm charts; null when it renders nothing
   * @param tracing opens the root span of each recorded revision
   */
  public SourceWatcher(
      SourceSettings source,
      GitMirror mirror,
      ManifestPipeline pipeline,
      CheckpointReader checkpoints,
      EventSink sink,
      GitWatcherMetrics metrics,
      long maxFileBytes,
      int batchSize,
      SourceRenderer renderer,
      EventTracing tracing) {
    this.tracing = tracing;
    this.renderer = renderer;
    this.source = source;
    this.mirror = mirror;
    this.pipeline = pipeline;
    this.checkpoints = checkpoints;
    this.sink = sink;
    this.metrics = metrics;
    this.maxFileBytes = maxFileBytes;
    this.batchSize = batchSize;
  }

  /**
   * Previews the source's pull requests at the end of each cycle (after its branch is recorded, so
   * they compare with the newest good revision).
   *
   * @return this watcher
   */
  public SourceWatcher previewing(PreviewWatcher previews) {
    this.previews = previews;
    return this;
  }

  /** The source. */
  public SourceSettings source() {
    return source;
  }

  /**
   * Runs one cycle. Failures (Git or Kafka unreachable) are returned as {@link
   * WatchOutcome.Failed}; the next cycle starts again from the last recorded commit.
   */
  public WatchOutcome runOnce() {
    WatchOutcome outcome;
    try {
      outcome = cycle();
    } catch (RuntimeException e) {
      // Forget the in-memory position: the next cycle re-reads the checkpoint from the log, the
      // only truth about what was recorded.
      initialized = false;
      LOG.warn("source {}: cycle failed, retrying at the next poll: {}", source.id(), e.toString());
      outcome = new WatchOutcome.Failed(e.toString());
    }
    metrics.cycle(source.id(), outcome.getClass().getSimpleName());
    return outcome;
  }

  @Override
  public void close() {
    mirror.close();
  }

  /**
   * Makes the next cycle resume from the log, as at start: its checkpoint on {@code
   * opsledger.commits} and its previews on {@code opsledger.previews}. Called when this replica
   * takes the lease over, since the replica that held it may have recorded revisions meanwhile.
   * Thread-safe; takes effect at the start of the next cycle.
   */
  public void resumeFromLog() {
    resumeFromLog = true;
  }

  private WatchOutcome cycle() {
    if (resumeFromLog) {
      resumeFromLog = false;
      initialized = false;
      if (previews != null) {
        previews.resumeFromLog();
      }
    }
    WatchOutcome outcome = recordBranch();
    if (previews != null && initialized) {
      runPreviews();
    }
    return outcome;
  }

  /**
   * Previews the open requests. A failure here (a request's ref unreachable) is logged and retried
   * at the next cycle; it never fails the branch's recording, nor forgets its position.
   */
  private void runPreviews() {
    try {
      previews.run(this::renderPreview);
    } catch (RuntimeException e) {
      LOG.warn(
          "source {}: pull request previews failed, retrying at the next poll: {}",
          source.id(),
          e.toString());
    }
  }

  /**
   * Renders and validates a request's head exactly as a commit of the branch (same pipeline,
   * renderers, size cap and errors), and returns what it declares differently from the last good
   * revision. Records nothing: the watcher's position and index stay the branch's.
   */
  private PreviewRender renderPreview(String sha) {
    RevisionScan scan = new RevisionScan(pipeline, lastGoodIndex, maxFileBytes, this::readBlob);
    scan(sha, scan);
    RevisionOutcome outcome = scan.finish();
    if (outcome instanceof RevisionOutcome.Rejected r) {
      return new PreviewRender.Rejected(capped(r.errors()));
    }
    RevisionIndex index = ((RevisionOutcome.Accepted) outcome).index();
    DesiredChanges changes = DesiredChanges.between(lastGoodIndex, index);
    Map<String, Set<ResourceKey>> byFile = new LinkedHashMap<>();
    for (RevisionIndex.Entry e : changes.changed()) {
      byFile.computeIfAbsent(e.path(), p -> new HashSet<>()).add(e.key());
    }
    List<PreviewResource> changed = new ArrayList<>();
    for (var file : byFile.entrySet()) {
      byte[] bytes = readBlob(index.file(file.getKey()).blobId());
      for (ManifestPipeline.Resource r :
          pipeline.process(file.getKey(), bytes, index.declaredScopes()).resources()) {
        if (file.getValue().contains(r.key())) {
          changed.add(new PreviewResource(r.key(), file.getKey(), pipeline.sealed(r.manifest())));
        }
      }
    }
    List<ResourceKey> removed = changes.removed().stream().map(RevisionIndex.Entry::key).toList();
    return new PreviewRender.Accepted(lastGood, changed, removed);
  }

  private WatchOutcome recordBranch() {
    Checkpoint checkpoint = initialized ? null : checkpoints.read(source.id());
    String head = fetch();
    if (head == null) {
      return new WatchOutcome.NoBranch();
    }
    if (!initialized) {
      initialize(checkpoint);
    }
    CommitPlan plan = mirror.plan(lastRecorded, head, source.recordAllCommits());
    if (plan.commits().isEmpty()) {
      return new WatchOutcome.NoChange(head);
    }
    if (plan.rewrittenFrom() != null) {
      LOG.info(
          "source {}: history rewritten, {} replaced by {}",
          source.id(),
          plan.rewrittenFrom(),
          head);
    }
    int rejected = 0;
    for (String sha : plan.commits()) {
      if (!record(sha, plan.rewrittenFrom())) {
        rejected++;
      }
    }
    return new WatchOutcome.Recorded(plan.commits().size(), rejected, lastRecorded);
  }

  private String fetch() {
    long start = System.nanoTime();
    boolean ok = false;
    try {
      String head = mirror.fetch();
      ok = true;
      return head;
    } finally {
      metrics.fetch(source.id(), Duration.ofNanos(System.nanoTime() - start), ok);
    }
  }

  /** Rebuilds the last good revision's index from its tree (not from Kafka). */
  private void initialize(Checkpoint checkpoint) {
    lastRecorded = checkpoint.lastRecorded();
    lastGood = checkpoint.lastGood();
    lastSequence = checkpoint.lastSequence();
    lastGoodIndex = RevisionIndex.empty();
    if (lastGood != null && mirror.has(lastGood)) {
      RevisionScan scan =
          new RevisionScan(pipeline, RevisionIndex.empty(), maxFileBytes, this::readBlob);
      scan(lastGood, scan);
      if (scan.finish() instanceof RevisionOutcome.Accepted a) {
        lastGoodIndex = a.index();
      }
    } else if (lastGood != null) {
      LOG.warn(
          "source {}: last good revision {} is no longer in the repository; its resources will be"
              + " declared again in full",
          source.id(),
          lastGood);
    }
    initialized = true;
    LOG.info(
        "source {}: resuming after {} (last good {}, {} resources)",
        source.id(),
        lastRecorded,
        lastGood,
        lastGoodIndex.size());
  }

  /**
   * Records one revision; returns whether it was accepted. Each recording takes the next sequence
   * of the source, which orders revisions for every reader: a rewind to an older commit or a
   * backdated commit is newer because it was recorded later. A revision recorded again after a
   * crash (its {@code CommitObserved} never written) takes the same sequence, and the same event
   * ids, as the first attempt.
   *
   * <p>Each recording is the root span of a trace ({@value #RECORD_SPAN}): every event it sends
   * carries its context, so the commit's path through the differ, the applier and the notifier is
   * one trace.
   */
  private boolean record(String sha, String rewrittenFrom) {
    long sequence = lastSequence + 1;
    try (EventTracing.Handling span =
        tracing.root(
            RECORD_SPAN,
            "git-watcher",
            Map.of(
                "opsledger.source.id",
                source.id(),
                EventTracing.COMMIT_KEY,
                sha,
                "opsledger.revision.sequence",
                Long.toString(sequence)))) {
      try {
        boolean accepted = record(sha, rewrittenFrom, sequence);
        span.attribute("opsledger.commit.outcome", accepted ? "accepted" : "rejected");
        return accepted;
      } catch (RuntimeException e) {
        span.failed(e);
        throw e;
      }
    }
  }

  private boolean record(String sha, String rewrittenFrom, long sequence) {
    GitCommit commit = mirror.describe(sha);
    PullRequestRef pr = PullRequestParser.parse(commit.message(), source.url());
    RevisionScan scan = new RevisionScan(pipeline, lastGoodIndex, maxFileBytes, this::readBlob);
    scan(sha, scan);
    Ids ids = new Ids(source.id(), sha, rewrittenFrom);
    CommitObserved observed = commitObserved(commit, pr, rewrittenFrom, sequence);
    boolean accepted;
    RevisionOutcome outcome = scan.finish();
    if (outcome instanceof RevisionOutcome.Accepted a) {
      DesiredChanges changes = DesiredChanges.between(lastGoodIndex, a.index());
      publishDesired(
          commit, pr, a.index(), changes, lastGoodIndex.resources().size(), ids, sequence);
      sink.sendAndWait(List.of(envelope(ids, "commit", "", observed)));
      lastGoodIndex = a.index();
      lastGood = sha;
      accepted = true;
      warn(sha, a.warnings());
      LOG.info(
          "source {}: recorded {} ({} changed, {} removed)",
          source.id(),
          sha,
          changes.changed().size(),
          changes.removed().size());
    } else {
      RevisionOutcome.Rejected r = (RevisionOutcome.Rejected) outcome;
      CommitRejected rejection =
          new CommitRejected(
              source.id(),
              source.displayUrl(),
              source.branch(),
              sha,
              commit.author(),
              commit.committedAt(),
              pr,
              capped(r.errors()),
              lastGood);
      sink.sendAndWait(
          List.of(envelope(ids, "rejected", "", rejection), envelope(ids, "commit", "", observed)));
      metrics.commitRejected(source.id());
      accepted = false;
      LOG.warn(
          "source {}: rejected {} with {} error(s), {} stays in force",
          source.id(),
          sha,
          r.errors().size(),
          lastGood);
    }
    lastRecorded = sha;
    lastSequence = sequence;
    metrics.commitObserved(source.id());
    return accepted;
  }

  /**
   * Publishes a revision's desired events in batches: changed resources are re-read file by file
   * (only the files that hold them) and sealed just before sending, so no more than one batch of
   * manifests is in memory.
   */
  private void publishDesired(
      GitCommit commit,
      PullRequestRef pr,
      RevisionIndex index,
      DesiredChanges changes,
      int declaredBefore,
      Ids ids,
      long sequence) {
    Map<String, Set<ResourceKey>> byFile = new LinkedHashMap<>();
    for (RevisionIndex.Entry e : changes.changed()) {
      byFile.computeIfAbsent(e.path(), p -> new HashSet<>()).add(e.key());
    }
    List<EventEnvelope<?>> batch = new ArrayList<>(Math.min(batchSize, changes.changed().size()));
    for (var file : byFile.entrySet()) {
      String path = file.getKey();
      byte[] bytes = readBlob(index.file(path).blobId());
      for (ManifestPipeline.Resource r :
          pipeline.process(path, bytes, index.declaredScopes()).resources()) {
        if (!file.getValue().contains(r.key())) {
          continue;
        }
        RevisionIndex.Entry entry = index.resources().get(r.key());
        JsonNode sealed = pipeline.sealed(r.manifest());
        batch.add(
            envelope(
                ids,
                "changed",
                r.key().toString(),
                new DesiredStateChanged(
                    r.key(),
                    source.id(),
                    commit.sha(),
                    path,
                    entry.contentHash(),
                    sealed,
                    commit.author(),
                    commit.committedAt(),
                    pr,
                    sequence)));
        if (batch.size() >= batchSize) {
          flush(batch);
        }
      }
    }
    for (RevisionIndex.Entry e : changes.removed()) {
      batch.add(
          envelope(
              ids,
              "removed",
              e.key().toString(),
              new DesiredStateRemoved(
                  e.key(),
                  source.id(),
                  commit.sha(),
                  e.path(),
                  commit.author(),
                  commit.committedAt(),
                  pr,
                  sequence,
                  // Every removal carries the revision's counts, so the applier's prune guard
                  // knows how much of the source goes without waiting for the other removals.
                  changes.removed().size(),
                  declaredBefore)));
      if (batch.size() >= batchSize) {
        flush(batch);
      }
    }
    flush(batch);
    metrics.desired(source.id(), "changed", changes.changed().size());
    metrics.desired(source.id(), "removed", changes.removed().size());
  }

  /**
   * Feeds a revision to a scan: its plain manifest files, then what its Kustomize paths and charts
   * render, each rendered file validated as a file of the revision. Rendering errors reject it.
   */
  private void scan(String sha, RevisionScan scan) {
    mirror.scan(sha, scan);
    if (renderer == null) {
      return;
    }
    RenderResult result = render(sha);
    for (ManifestError e : result.errors()) {
      scan.error(e.file(), e.line(), e.reason());
    }
    Map<String, byte[]> byId = new HashMap<>();
    for (RenderedFile f : result.files()) {
      String id = f.id();
      byId.put(id, f.bytes());
      try {
        scan.file(f.path(), id, f.bytes().length, f::bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    renderedById = byId;
  }

  /** Renders a revision, or reuses the last render when the source's tree did not change. */
  private RenderResult render(String sha) {
    String tree = mirror.renderTreeId(sha);
    if (tree.equals(renderedTree)) {
      return rendered;
    }
    long start = System.nanoTime();
    RenderResult result = renderer.render(root -> mirror.writeTree(sha, root));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    metrics.render(source.id(), took, result.errors().isEmpty());
    LOG.info(
        "source {}: rendered {} in {} ms: {} file(s), {} error(s)",
        source.id(),
        sha,
        took.toMillis(),
        result.files().size(),
        result.errors().size());
    renderedTree = tree;
    rendered = result;
    return result;
  }

  /** A blob of the repository, or a file rendered from the revision being recorded. */
  private byte[] readBlob(String blobId) {
    byte[] bytes = renderedById.get(blobId);
    return bytes != null ? bytes : mirror.readBlob(blobId);
  }

  /** Logs and counts what the revision's manifests declared and was ignored (listed capped). */
  private void warn(String sha, List<ManifestError> warnings) {
    if (warnings.isEmpty()) {
      return;
    }
    metrics.manifestWarnings(source.id(), warnings.size());
    for (ManifestError w : warnings.subList(0, Math.min(MAX_ERRORS, warnings.size()))) {
      LOG.warn(
          "source {}: {} {}{}: {}",
          source.id(),
          sha,
          w.file(),
          w.line() > 0 ? ":" + w.line() : "",
          w.reason());
    }
    if (warnings.size() > MAX_ERRORS) {
      LOG.warn(
          "source {}: {} and {} more warnings", source.id(), sha, warnings.size() - MAX_ERRORS);
    }
  }

  private void flush(List<EventEnvelope<?>> batch) {
    if (!batch.isEmpty()) {
      sink.sendAndWait(List.copyOf(batch));
      batch.clear();
    }
  }

  private CommitObserved commitObserved(
      GitCommit c, PullRequestRef pr, String rewrittenFrom, long sequence) {
    return CommitObserved.recorded(
        source.id(),
        source.displayUrl(),
        source.branch(),
        c.sha(),
        c.parents(),
        c.author(),
        c.committer(),
        c.authoredAt(),
        c.committedAt(),
        c.message(),
        c.changedPaths(),
        pr,
        c.signed(),
        rewrittenFrom,
        sequence);
  }

  private static List<ManifestError> capped(List<ManifestError> errors) {
    if (errors.size() <= MAX_ERRORS) {
      return errors;
    }
    List<ManifestError> out = new ArrayList<>(errors.subList(0, MAX_ERRORS));
    out.add(
        new ManifestError(
            "", 0, "and " + (errors.size() - MAX_ERRORS) + " more errors not listed"));
    return out;
  }

  private static <E extends OpsLedgerEvent> EventEnvelope<E> envelope(
      Ids ids, String type, String key, E data) {
    return new EventEnvelope<>(
        ids.of(type, key),
        EVENT_SOURCE,
        Instant.now().truncatedTo(ChronoUnit.MILLIS),
        ids.sha(),
        "",
        "",
        data);
  }

  /** Stable event ids: the same revision processed again yields the same ids. */
  private record Ids(String sourceId, String sha, String rewrittenFrom) {
    String of(String type, String key) {
      String seed =
          sourceId
              + "|"
              + sha
              + "|"
              + (rewrittenFrom == null ? "" : rewrittenFrom)
              + "|"
              + type
              + "|"
              + key;
      return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }
  }
}
