package dev.opsledger.applier.rollback;

import dev.opsledger.events.ResourceKey;
import java.time.Instant;

/**
 * What a rollback is asked for: a whole source or one resource, back to a revision named by its SHA
 * (a unique prefix will do) or by a time (the revision that was Git's head then).
 *
 * @param sourceId the source, or {@code null} when {@code resource} is named
 * @param resource the resource, or {@code null} for a whole source
 * @param sha the revision or a prefix of it, or {@code null} when {@code at} is given
 * @param at the time, or {@code null} when {@code sha} is given
 */
public record RollbackTarget(String sourceId, ResourceKey resource, String sha, Instant at) {

  /** Requires one scope and one target. */
  public RollbackTarget {
    if ((sourceId == null) == (resource == null)) {
      throw new IllegalArgumentException("name a source or a resource, not both");
    }
    if ((sha == null) == (at == null)) {
      throw new IllegalArgumentException("name a revision or a time, not both");
    }
  }

  /** The scope as text: the source id or the resource key. */
  public String scope() {
    return resource != null ? resource.toString() : sourceId;
  }

  /** The target as text, for messages. */
  public String to() {
    return sha != null ? sha : at.toString();
  }
}
