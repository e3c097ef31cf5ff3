package dev.opsledger.events;

import java.time.Instant;
import java.util.Optional;

/**
 * The applier decided not to act on a diff, and says which policy made it so.
 *
 * @param resource the resource
 * @param sourceId the source that declares it
 * @param desiredRevision the revision of the diff that was not applied
 * @param policy the {@link SkipPolicy} that skipped it, as written on the log ({@code
 *     manual-approval}, …); kept as text because the schema leaves it open to newer policies
 * @param detail a sentence for people
 * @param skippedAt when it was skipped
 */
public record ApplySkipped(
    ResourceKey resource,
    String sourceId,
    String desiredRevision,
    String policy,
    String detail,
    Instant skippedAt)
    implements ApplyEvent {

  /** Checks the required fields. */
  public ApplySkipped {
    Require.present("resource", resource);
    Require.text("policy", policy);
    Require.present("skippedAt", skippedAt);
    detail = detail == null ? "" : detail;
  }

  /** A skip by a policy this applier knows. */
  public ApplySkipped(
      ResourceKey resource,
      String sourceId,
      String desiredRevision,
      SkipPolicy policy,
      String detail,
      Instant skippedAt) {
    this(resource, sourceId, desiredRevision, policy.wire(), detail, skippedAt);
  }

  /** The policy, or empty when a newer writer used one this reader does not know. */
  public Optional<SkipPolicy> skipPolicy() {
    return SkipPolicy.find(policy);
  }

  /** Whether {@code p} is the policy that skipped it. */
  public boolean skippedBy(SkipPolicy p) {
    return p.wire().equals(policy);
  }
}
