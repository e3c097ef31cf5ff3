package dev.opsledger.applier.rollback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.ResourceKey;
import java.util.List;

/**
 * What a rollback does.
 *
 * @param sourceId the source rolled back
 * @param targetRevision the revision rolled back to (full SHA)
 * @param headRevision Git's head revision of the source when it was planned
 * @param headSequence the sequence of that head: a declaration with a higher one ends the pause
 * @param steps the resources rolled back, each with the manifest it had at the target
 * @param leftAsIs resources the target did not declare, left in place with why (never pruned)
 * @param unchanged resources declared at the target as at the head: nothing to do, not paused
 */
public record RollbackPlan(
    String sourceId,
    String targetRevision,
    String headRevision,
    long headSequence,
    List<Step> steps,
    List<Left> leftAsIs,
    List<ResourceKey> unchanged) {

  /** Copies the lists. */
  public RollbackPlan {
    steps = List.copyOf(steps);
    leftAsIs = List.copyOf(leftAsIs);
    unchanged = List.copyOf(unchanged);
  }

  /**
   * One resource rolled back.
   *
   * @param resource the resource
   * @param manifest its manifest at the target revision (Secret values sealed, as on the log)
   * @param declaredAt the revision that declared that manifest (the target or one before it)
   * @param pausedRevision its newest declared revision: what is not applied while paused
   */
  public record Step(
      ResourceKey resource, JsonNode manifest, String declaredAt, String pausedRevision) {}

  /**
   * A resource the rollback does not touch although Git declares it now.
   *
   * @param resource the resource
   * @param why a sentence for people
   */
  public record Left(ResourceKey resource, String why) {}
}
