package dev.opsledger.notifier;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsledger.events.ApplyAction;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ManifestError;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.notifier.notice.Audience;
import dev.opsledger.notifier.notice.Digest;
import dev.opsledger.notifier.notice.Notice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** Events and a movable clock for the notifier's tests. */
public final class Fixtures {

  /** A sealed Secret value as the differ would write it. */
  public static final String SEALED = "opsledger:sealed:v1:abc123def:QUJDREVGR0hJSktMTU5PUA";

  private Fixtures() {}

  /** A Deployment on a target. */
  public static ResourceKey deployment(String target, String name) {
    return ResourceKey.of(target, "apps", "Deployment", "shop", name);
  }

  /** An envelope at a time, correlated with the revision. */
  public static <E extends OpsLedgerEvent> EventEnvelope<E> at(
      Instant time, String revision, E data) {
    return new EventEnvelope<>(
        UUID.randomUUID().toString(), "/opsledger/test", time, revision, "", "", data);
  }

  /** A drift with a diff that holds a sealed value. */
  public static DriftDetected drift(ResourceKey key, String source, String revision, Instant at) {
    return new DriftDetected(
        key,
        source,
        revision,
        "sha256:11",
        at,
        JsonNodeFactory.instance.arrayNode(),
        "--- live\n+++ desired\n-  replicas: 2\n+  replicas: 3\n+  token: " + SEALED + "\n",
        List.of("/spec/replicas"));
  }

  /**
   * The chat message a Slack incoming webhook gets for a drift that is still there when its hold is
   * over.
   */
  public static Notice chatDrift(ResourceKey key, String source, String revision, Instant at) {
    Digest digest = new Digest(Digest.Policy.defaults(), 100);
    digest.observe(at(at, revision, drift(key, source, revision, at)), at);
    List<Notice> due = new java.util.ArrayList<>(digest.due(at.plusSeconds(5)));
    due.addAll(digest.due(at.plusSeconds(60)));
    return due.stream().filter(n -> n.audience() == Audience.CHAT_HELD).findFirst().orElseThrow();
  }

  /** The resource is in sync. */
  public static ResourceInSync inSync(ResourceKey key, String source, String revision, Instant at) {
    return new ResourceInSync(key, source, revision, "sha256:22", at);
  }

  /** The resource is missing. */
  public static ResourceMissing missing(
      ResourceKey key, String source, String revision, Instant at) {
    return new ResourceMissing(key, source, revision, at);
  }

  /** A declaration of a resource at a revision. */
  public static DesiredStateChanged desired(
      ResourceKey key, String source, String revision, Instant at) {
    return new DesiredStateChanged(
        key,
        source,
        revision,
        "apps/" + key.name() + ".yaml",
        "sha256:" + Integer.toHexString(key.hashCode()),
        JsonNodeFactory.instance.objectNode().put("kind", key.kind()),
        new Person("Ada", "ada@example.com"),
        at,
        null);
  }

  /** A successful apply. */
  public static ApplySucceeded applied(
      ResourceKey key, String source, String revision, ApplyOutcome outcome, Instant at) {
    return new ApplySucceeded(key, source, revision, outcome, false, 1, at, 20);
  }

  /** A retryable apply failure at an attempt. */
  public static ApplyFailed retrying(
      ResourceKey key, String source, String revision, int attempt, Instant at) {
    return new ApplyFailed(
        key,
        source,
        revision,
        false,
        "NotFound",
        "namespaces \"shop\" not found",
        404,
        attempt,
        at,
        at.plusSeconds(1));
  }

  /** An apply skipped by a policy. */
  public static ApplySkipped skipped(
      ResourceKey key, String source, String revision, String policy, Instant at) {
    return new ApplySkipped(key, source, revision, policy, "by policy", at);
  }

  /** An apply started. */
  public static ApplyStarted applying(ResourceKey key, String source, String revision, Instant at) {
    return new ApplyStarted(key, source, revision, ApplyAction.APPLY, false, 1, at);
  }

  /** An apply failed. */
  public static ApplyFailed applyFailed(
      ResourceKey key, String source, String revision, boolean terminal, Instant at) {
    return new ApplyFailed(
        key,
        source,
        revision,
        terminal,
        "Invalid",
        "spec.replicas: must be >= 0",
        422,
        1,
        at,
        terminal ? null : at.plusSeconds(30));
  }

  /** An apply waits for approval. */
  public static ApplySkipped approval(ResourceKey key, String source, String revision, Instant at) {
    return new ApplySkipped(key, source, revision, "manual-approval", "Run opsledger approve.", at);
  }

  /** A commit on main. */
  public static CommitObserved commit(String source, String sha, Instant at) {
    Person p = new Person("Ada", "ada@example.com");
    return new CommitObserved(
        source,
        "https://git.example.com/shop.git",
        "main",
        sha,
        List.of(),
        p,
        p,
        at,
        at,
        "change",
        List.of("deploy.yaml"),
        null,
        false,
        null);
  }

  /** A rejected commit with two errors. */
  public static CommitRejected rejected(String source, String sha, Instant at) {
    Person p = new Person("Ada", "ada@example.com");
    return new CommitRejected(
        source,
        "https://git.example.com/shop.git",
        "main",
        sha,
        p,
        at,
        null,
        List.of(
            new ManifestError("deploy/web.yaml", 12, "spec.replicas must be an integer"),
            new ManifestError("deploy/db.yaml", 3, "unknown kind Foo")),
        "0000aaaa");
  }

  /** A clock tests move by hand. */
  public static final class MutableClock extends Clock {
    private Instant now;

    /** A clock at a time. */
    public MutableClock(Instant now) {
      this.now = now;
    }

    /** Moves the clock forward. */
    public void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
