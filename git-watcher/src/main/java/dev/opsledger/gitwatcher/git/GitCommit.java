package dev.opsledger.gitwatcher.git;

import dev.opsledger.events.Person;
import java.time.Instant;
import java.util.List;

/**
 * What Git says about one commit.
 *
 * @param sha the commit id
 * @param parents the parent ids, first parent first
 * @param author who wrote it
 * @param committer who committed it
 * @param authoredAt when it was written
 * @param committedAt when it was committed
 * @param message the full message
 * @param changedPaths paths changed against the first parent (all paths for a root commit)
 * @param signed whether it carries a GPG or SSH signature
 */
public record GitCommit(
    String sha,
    List<String> parents,
    Person author,
    Person committer,
    Instant authoredAt,
    Instant committedAt,
    String message,
    List<String> changedPaths,
    boolean signed) {}
