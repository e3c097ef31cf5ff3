package dev.opsledger.gitwatcher.source;

import dev.opsledger.gitwatcher.GitWatcherProperties;
import java.time.Duration;

/**
 * One validated source, as the watcher uses it.
 *
 * @param id the source id, the record key on {@code opsledger.commits}
 * @param url the repository URL as configured (may carry credentials: never show it)
 * @param kind how the URL is reached
 * @param branch the tracked branch
 * @param path the sub-path holding manifests, no leading or trailing slash, empty for the root
 * @param target the cluster or AWS account:region of its resources
 * @param defaultNamespace the namespace for namespaced resources that set none
 * @param pollInterval how often it is fetched
 * @param recordAllCommits every commit, or only the heads seen by each fetch
 * @param auth its credentials
 * @param render the directories rendered with Kustomize or Helm
 */
public record SourceSettings(
    String id,
    String url,
    RepositoryUrls.Kind kind,
    String branch,
    String path,
    String target,
    String defaultNamespace,
    Duration pollInterval,
    boolean recordAllCommits,
    GitWatcherProperties.Auth auth,
    RenderSettings render) {

  /** A source whose manifests are all plain files. */
  public SourceSettings(
      String id,
      String url,
      RepositoryUrls.Kind kind,
      String branch,
      String path,
      String target,
      String defaultNamespace,
      Duration pollInterval,
      boolean recordAllCommits,
      GitWatcherProperties.Auth auth) {
    this(
        id,
        url,
        kind,
        branch,
        path,
        target,
        defaultNamespace,
        pollInterval,
        recordAllCommits,
        auth,
        RenderSettings.NONE);
  }

  /** The URL without credentials, for events and logs. */
  public String displayUrl() {
    return RepositoryUrls.redact(url);
  }

  @Override
  public String toString() {
    return "Source[" + id + " " + displayUrl() + " " + branch + "]";
  }
}
