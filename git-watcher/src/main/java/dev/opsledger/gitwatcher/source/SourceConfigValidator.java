package dev.opsledger.gitwatcher.source;

import dev.opsledger.events.ResourceKey;
import dev.opsledger.gitwatcher.GitWatcherProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks {@code opsledger.git-watcher.sources[]} as a whole and turns it into {@link
 * SourceSettings}. Every problem is reported at once, each naming the source and the property, so
 * that an operator fixes the configuration in one go.
 */
public final class SourceConfigValidator {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern BAD_BRANCH =
      Pattern.compile("(^[-/.])|(\\.\\.)|[\\s~^:?*\\[\\\\]|(/$)|(\\.lock$)|(@\\{)");
  private static final Duration MIN_POLL = Duration.ofSeconds(1);

  private SourceConfigValidator() {}

  /** The outcome: either every source is valid, or the list of problems. */
  public sealed interface Result {
    /** All sources are valid. */
    record Valid(List<SourceSettings> sources) implements Result {}

    /** At least one problem, each a sentence naming the source and property. */
    record Invalid(List<String> problems) implements Result {}
  }

  /** Validates the configured sources. */
  public static Result validate(List<GitWatcherProperties.Source> configured) {
    List<String> problems = new ArrayList<>();
    List<SourceSettings> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < configured.size(); i++) {
      GitWatcherProperties.Source s = configured.get(i);
      String at = "opsledger.git-watcher.sources[" + i + "]";
      int before = problems.size();
      String id = s.id();
      if (id == null || id.isBlank()) {
        problems.add(at + ".id is required");
      } else if (!ID.matcher(id).matches()) {
        problems.add(at + ".id '" + id + "' must be letters, digits, '.', '_' or '-' (1-100)");
      } else if (!ids.add(id)) {
        problems.add(at + ".id '" + id + "' is used by another source");
      }
      String name = at + (id == null ? "" : " (" + id + ")");
      RepositoryUrls.Kind kind = checkUrl(name, s.url(), problems);
      checkBranch(name, s.branch(), problems);
      String path = checkPath(name + ".path", s.path(), problems);
      checkTarget(name, s.target(), problems);
      checkNamespace(name, s.defaultNamespace(), problems);
      if (s.pollInterval() == null || s.pollInterval().compareTo(MIN_POLL) < 0) {
        problems.add(name + ".poll-interval must be at least 1s, got " + s.pollInterval());
      }
      checkAuth(name, kind, s.auth(), problems);
      RenderSettings render = checkRender(name, path, s.render(), problems);
      PreviewSettings.problem(name, s).ifPresent(problems::add);
      if (problems.size() == before) {
        out.add(
            new SourceSettings(
                id,
                s.url().trim(),
                kind,
                s.branch(),
                path,
                s.target(),
                s.defaultNamespace(),
                s.pollInterval(),
                s.recordAllCommits(),
                s.auth() == null ? GitWatcherProperties.Auth.NONE : s.auth(),
                render));
      }
    }
    return problems.isEmpty() ? new Result.Valid(List.copyOf(out)) : new Result.Invalid(problems);
  }

  private static RepositoryUrls.Kind checkUrl(String name, String url, List<String> problems) {
    if (url == null || url.isBlank()) {
      problems.add(name + ".url is required");
      return null;
    }
    if (url.trim().toLowerCase(java.util.Locale.ROOT).startsWith("http://")) {
      problems.add(
          name
              + ".url uses plain http://, which would send credentials and manifests unprotected:"
              + " use https://");
      return null;
    }
    var kind = RepositoryUrls.classify(url.trim());
    if (kind.isEmpty()) {
      problems.add(
          name
              + ".url '"
              + RepositoryUrls.redact(url)
              + "' is not supported: use https://, ssh://, user@host:path, file:// or a path");
      return null;
    }
    if (RepositoryUrls.hasCredentials(url.trim())) {
      problems.add(
          name
              + ".url '"
              + RepositoryUrls.redact(url)
              + "' carries credentials in the URL, which would be stored in the Git cache and"
              + " could reach logs: set "
              + name
              + ".auth.token (or auth.username and auth.password), e.g. from an environment"
              + " variable or a mounted Secret, and remove them from the URL");
      return null;
    }
    if (kind.get() == RepositoryUrls.Kind.LOCAL) {
      Path p = RepositoryUrls.localPath(url.trim());
      if (!Files.isDirectory(p)) {
        problems.add(name + ".url points to " + p + ", which is not a directory");
      }
    }
    return kind.get();
  }

  private static void checkBranch(String name, String branch, List<String> problems) {
    if (branch == null || branch.isBlank()) {
      problems.add(name + ".branch is required (the default is main)");
    } else if (BAD_BRANCH.matcher(branch).find()) {
      problems.add(name + ".branch '" + branch + "' is not a valid Git branch name");
    }
  }

  private static String checkPath(String name, String path, List<String> problems) {
    String p = path == null ? "" : path.trim().replace('\\', '/');
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.startsWith("/")) {
      problems.add(name + " '" + path + "' must be relative to the repository root");
    }
    for (String seg : p.split("/")) {
      if (seg.equals("..")) {
        problems.add(name + " '" + path + "' must not leave the repository ('..')");
        break;
      }
    }
    return p.equals(".") ? "" : p;
  }

  /**
   * Render paths must be inside the source's path (only that part of the tree is written out for
   * rendering, and it is what the source declares) and must not overlap: a file is the input of one
   * rendering at most.
   */
  private static RenderSettings checkRender(
      String name, String sourcePath, GitWatcherProperties.Render render, List<String> problems) {
    if (render == null) {
      return RenderSettings.NONE;
    }
    List<String> kustomize = new ArrayList<>();
    List<String> kustomizeIn = render.kustomize() == null ? List.of() : render.kustomize().paths();
    for (int i = 0; i < kustomizeIn.size(); i++) {
      String at = name + ".render.kustomize.paths[" + i + "]";
      String p = renderPath(at, kustomizeIn.get(i), sourcePath, problems);
      if (p != null) {
        kustomize.add(p);
      }
    }
    List<RenderSettings.HelmChart> charts = new ArrayList<>();
    Set<String> releases = new HashSet<>();
    List<GitWatcherProperties.Chart> chartsIn =
        render.helm() == null ? List.of() : render.helm().charts();
    for (int i = 0; i < chartsIn.size(); i++) {
      GitWatcherProperties.Chart c = chartsIn.get(i);
      String at = name + ".render.helm.charts[" + i + "]";
      String p = renderPath(at + ".path", c.path(), sourcePath, problems);
      List<String> values = new ArrayList<>();
      List<String> valuesIn = c.values() == null ? List.of() : c.values();
      for (int v = 0; v < valuesIn.size(); v++) {
        String vp = renderPath(at + ".values[" + v + "]", valuesIn.get(v), sourcePath, problems);
        if (vp != null) {
          values.add(vp);
        }
      }
      if (p == null) {
        continue;
      }
      String release =
          isBlank(c.releaseName()) ? p.substring(p.lastIndexOf('/') + 1) : c.releaseName().trim();
      if (!DNS_LABEL.matcher(release).matches() || release.length() > 53) {
        problems.add(
            at
                + ".release-name '"
                + release
                + "' must be a DNS label of at most 53 characters, as Helm requires");
      } else if (!releases.add(release)) {
        problems.add(at + ".release-name '" + release + "' is used by another chart");
      }
      charts.add(new RenderSettings.HelmChart(p, values, release));
    }
    RenderSettings settings = new RenderSettings(kustomize, charts);
    List<String> dirs = settings.inputDirectories();
    for (int a = 0; a < dirs.size(); a++) {
      for (int b = a + 1; b < dirs.size(); b++) {
        if (RenderSettings.isUnder(dirs.get(a), dirs.get(b))
            || RenderSettings.isUnder(dirs.get(b), dirs.get(a))) {
          problems.add(
              name
                  + ".render: '"
                  + dirs.get(a)
                  + "' and '"
                  + dirs.get(b)
                  + "' overlap; a directory is rendered once, by one Kustomize path or chart");
        }
      }
    }
    return settings;
  }

  private static String renderPath(
      String at, String raw, String sourcePath, List<String> problems) {
    if (raw == null || raw.isBlank()) {
      problems.add(at + " is required");
      return null;
    }
    int before = problems.size();
    String p = checkPath(at, raw, problems).replaceAll("/+", "/");
    if (problems.size() > before) {
      return null;
    }
    if (p.isEmpty()) {
      problems.add(
          at + " must name a directory or file below the repository root, got '" + raw + "'");
      return null;
    }
    if (!RenderSettings.isUnder(p, sourcePath)) {
      problems.add(
          at
              + " '"
              + p
              + "' is outside the source's path '"
              + sourcePath
              + "': only the source's path is written out for rendering");
      return null;
    }
    return p;
  }

  private static void checkTarget(String name, String target, List<String> problems) {
    if (target == null || target.isBlank()) {
      problems.add(name + ".target is required (the cluster name or AWS account:region)");
      return;
    }
    try {
      ResourceKey.of(target, "", "Namespace", "", "probe");
    } catch (IllegalArgumentException e) {
      problems.add(name + ".target '" + target + "' is invalid: " + e.getMessage());
    }
  }

  private static void checkNamespace(String name, String ns, List<String> problems) {
    if (ns == null || !DNS_LABEL.matcher(ns).matches()) {
      problems.add(
          name + ".default-namespace '" + ns + "' must be a DNS label (a-z, 0-9, '-', 1-63)");
    }
  }

  private static void checkAuth(
      String name,
      RepositoryUrls.Kind kind,
      GitWatcherProperties.Auth auth,
      List<String> problems) {
    if (auth == null || kind == null) {
      return;
    }
    if (auth.hasHttpCredentials()) {
      if (kind != RepositoryUrls.Kind.HTTPS) {
        problems.add(name + ".auth has HTTPS credentials but the url is not https://");
      }
      if (auth.token() != null && auth.password() != null) {
        problems.add(name + ".auth sets both token and password: choose one");
      }
      if (auth.password() != null && isBlank(auth.username())) {
        problems.add(name + ".auth.password needs auth.username");
      }
      if (auth.token() == null && auth.password() == null) {
        problems.add(name + ".auth.username needs auth.password or auth.token");
      }
    }
    if (auth.hasSshSettings() && kind != RepositoryUrls.Kind.SSH) {
      problems.add(name + ".auth has SSH settings but the url is not an SSH url");
    }
    if (kind == RepositoryUrls.Kind.SSH) {
      if (auth.privateKeyFile() == null) {
        problems.add(name + ".auth.private-key-file is required for an SSH url");
      } else if (!Files.isReadable(auth.privateKeyFile())) {
        problems.add(name + ".auth.private-key-file " + auth.privateKeyFile() + " cannot be read");
      }
      if (auth.knownHostsFile() == null) {
        problems.add(
            name
                + ".auth.known-hosts-file is required for an SSH url: host keys are always"
                + " checked");
      } else if (!Files.isReadable(auth.knownHostsFile())) {
        problems.add(name + ".auth.known-hosts-file " + auth.knownHostsFile() + " cannot be read");
      }
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
