/**
 * What a commit says about itself beyond Git's fields: the pull or merge request it came from, read
 * from the message conventions of GitHub, GitLab and Bitbucket. Pure functions of text; no JGit.
 *
 * <p>Invariant: a reference is only produced when a message matches a host's convention; a commit
 * with no recognisable convention has no pull request ({@code null}), never a guessed one.
 */
package dev.opsledger.gitwatcher.commit;
