package dev.opsledger.gitwatcher.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.gitwatcher.GitWatcherProperties;
import dev.opsledger.gitwatcher.GitWatcherProperties.Auth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceConfigValidatorTest {

  @TempDir Path dir;

  GitWatcherProperties.Source source(String id, String url) {
    return source(id, url, "prod", "", "default", Duration.ofSeconds(30), Auth.NONE);
  }

  GitWatcherProperties.Source source(
      String id,
      String url,
      String target,
      String path,
      String namespace,
      Duration pollInterval,
      Auth auth) {
    return new GitWatcherProperties.Source(
        id, url, "main", path, target, namespace, pollInterval, true, auth, null, null);
  }

  @Test
  void acceptsEveryKindOfUrlWithDefaults() {
    var https = source("a", "https://github.com/o/r.git");
    var local = source("b", dir.toString());
    var file = source("c", dir.toUri().toString());
    var result = SourceConfigValidator.validate(List.of(https, local, file));
    assertThat(result).isInstanceOf(SourceConfigValidator.Result.Valid.class);
    var settings = ((SourceConfigValidator.Result.Valid) result).sources();
    assertThat(settings)
        .extracting(SourceSettings::kind)
        .containsExactly(
            RepositoryUrls.Kind.HTTPS, RepositoryUrls.Kind.LOCAL, RepositoryUrls.Kind.LOCAL);
    assertThat(settings.get(0).branch()).isEqualTo("main");
    assertThat(settings.get(0).pollInterval()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void reportsEveryProblemAtOnceNamingSourceAndProperty() {
    var dup1 = source("dup", "https://h/r");
    var dup2 = source("dup", "http://h/r");
    var ssh = source("ssh", "git@github.com:o/r.git");
    var bad =
        source(
            "bad id!", "git://h/r", null, "../up", "Not_A_Label", Duration.ofMillis(10), Auth.NONE);
    var creds =
        source(
            "creds",
            "file:///nope/nowhere",
            "prod",
            "",
            "default",
            Duration.ofSeconds(30),
            new Auth("t0ken-value", null, null, null, null, null));
    var result = SourceConfigValidator.validate(List.of(dup1, dup2, ssh, bad, creds));
    assertThat(result).isInstanceOf(SourceConfigValidator.Result.Invalid.class);
    List<String> problems = ((SourceConfigValidator.Result.Invalid) result).problems();
    assertThat(problems)
        .anyMatch(p -> p.contains("sources[1].id 'dup' is used by another source"))
        .anyMatch(p -> p.contains("plain http://"))
        .anyMatch(p -> p.contains("(ssh).auth.private-key-file is required"))
        .anyMatch(p -> p.contains("(ssh).auth.known-hosts-file is required"))
        .anyMatch(p -> p.contains("sources[3].id 'bad id!'"))
        .anyMatch(p -> p.contains("git://h/r' is not supported"))
        .anyMatch(p -> p.contains(".target is required"))
        .anyMatch(p -> p.contains("must not leave the repository"))
        .anyMatch(p -> p.contains("default-namespace 'Not_A_Label'"))
        .anyMatch(p -> p.contains("poll-interval must be at least 1s"))
        .anyMatch(p -> p.contains("(creds).url points to"))
        .anyMatch(
            p -> p.contains("(creds).auth has HTTPS credentials but the url is not https://"));
    assertThat(String.join("\n", problems)).doesNotContain("t0ken-value");
  }

  @Test
  void redactsCredentialsInUrls() {
    assertThat(RepositoryUrls.redact("https://user:pass@github.com/o/r.git"))
        .isEqualTo("https://github.com/o/r.git");
    assertThat(RepositoryUrls.redact("ssh://git@host/o/r.git")).isEqualTo("ssh://git@host/o/r.git");
    assertThat(RepositoryUrls.redact("https://gitlab.example/o/r.git?private_token=s3cr3t"))
        .isEqualTo("https://gitlab.example/o/r.git");
    assertThat(RepositoryUrls.comparable("git@GitHub.com:o/r.git")).isEqualTo("github.com/o/r");
    assertThat(RepositoryUrls.comparable("https://github.com/o/r/")).isEqualTo("github.com/o/r");
  }

  @Test
  void refusesAUrlThatCarriesCredentialsWithoutNamingThemAndSaysWhereTheyGo() {
    var result =
        SourceConfigValidator.validate(
            List.of(
                source("pass", "https://ada:hunter2@github.com/o/r.git"),
                source("token", "https://ghp_T0KEN@github.com/o/r.git"),
                source("query", "https://gitlab.example/o/r.git?private_token=s3cr3t"),
                source("sshpass", "ssh://git:hunter2@host/o/r.git")));

    assertThat(result).isInstanceOf(SourceConfigValidator.Result.Invalid.class);
    var problems = ((SourceConfigValidator.Result.Invalid) result).problems();
    assertThat(problems)
        .hasSize(4)
        .allMatch(p -> p.contains("carries credentials in the URL"))
        .allMatch(p -> p.contains(".auth.token"));
    assertThat(String.join("\n", problems))
        .doesNotContain("hunter2")
        .doesNotContain("ghp_T0KEN")
        .doesNotContain("s3cr3t");
    assertThat(RepositoryUrls.hasCredentials("ssh://git@host/o/r.git")).isFalse();
    assertThat(RepositoryUrls.hasCredentials("git@github.com:o/r.git")).isFalse();
  }

  GitWatcherProperties.Source rendering(String path, GitWatcherProperties.Render render) {
    return new GitWatcherProperties.Source(
        "shop",
        dir.toString(),
        "main",
        path,
        "prod",
        "default",
        Duration.ofSeconds(30),
        true,
        Auth.NONE,
        render,
        null);
  }

  static GitWatcherProperties.Render render(
      List<String> kustomize, List<GitWatcherProperties.Chart> charts) {
    return new GitWatcherProperties.Render(
        new GitWatcherProperties.Kustomize(kustomize), new GitWatcherProperties.Helm(charts));
  }

  @Test
  void renderPathsAreNormalisedAndReleaseNamesDefaultToTheChartDirectory() {
    var result =
        SourceConfigValidator.validate(
            List.of(
                rendering(
                    "deploy",
                    render(
                        List.of("./deploy/overlays/prod/"),
                        List.of(
                            new GitWatcherProperties.Chart(
                                "deploy/charts/web", List.of("deploy/env//prod.yaml"), null))))));
    assertThat(result).isInstanceOf(SourceConfigValidator.Result.Valid.class);
    RenderSettings r = ((SourceConfigValidator.Result.Valid) result).sources().get(0).render();
    assertThat(r.kustomizePaths()).containsExactly("deploy/overlays/prod");
    assertThat(r.charts())
        .containsExactly(
            new RenderSettings.HelmChart(
                "deploy/charts/web", List.of("deploy/env/prod.yaml"), "web"));
  }

  @Test
  void renderPathsOutsideTheSourceOverlappingOrLeavingTheRepositoryAreReportedTogether() {
    var result =
        SourceConfigValidator.validate(
            List.of(
                rendering(
                    "deploy",
                    render(
                        List.of("other/overlay", "deploy/apps", "deploy/../../etc"),
                        List.of(
                            new GitWatcherProperties.Chart(
                                "deploy/apps/chart", List.of("/etc/passwd"), "Not_A_Label"))))));
    assertThat(result).isInstanceOf(SourceConfigValidator.Result.Invalid.class);
    assertThat(((SourceConfigValidator.Result.Invalid) result).problems())
        .containsExactlyInAnyOrder(
            "opsledger.git-watcher.sources[0] (shop).render.kustomize.paths[0] 'other/overlay' is"
                + " outside the source's path 'deploy': only the source's path is written out for"
                + " rendering",
            "opsledger.git-watcher.sources[0] (shop).render.kustomize.paths[2] 'deploy/../../etc'"
                + " must not leave the repository ('..')",
            "opsledger.git-watcher.sources[0] (shop).render.helm.charts[0].values[0] '/etc/passwd'"
                + " must be relative to the repository root",
            "opsledger.git-watcher.sources[0] (shop).render.helm.charts[0].release-name"
                + " 'Not_A_Label' must be a DNS label of at most 53 characters, as Helm requires",
            "opsledger.git-watcher.sources[0] (shop).render: 'deploy/apps' and 'deploy/apps/chart'"
                + " overlap; a directory is rendered once, by one Kustomize path or chart");
  }

  GitWatcherProperties.Source previewing(String url, GitWatcherProperties.Previews previews) {
    return new GitWatcherProperties.Source(
        "shop",
        url,
        "main",
        "",
        "prod",
        "default",
        Duration.ofSeconds(30),
        true,
        Auth.NONE,
        null,
        previews);
  }

  @Test
  void previewsFollowTheHostUnlessConfigured() {
    var github = previewing("https://github.com/o/r.git", null);
    var gitlab = previewing("https://gitlab.example.com/g/p.git", null);
    var elsewhere = previewing(dir.toString(), null);
    var off =
        previewing(
            "https://github.com/o/r.git",
            new GitWatcherProperties.Previews(null, false, Duration.ofDays(14)));
    var named =
        previewing(
            dir.toString(), new GitWatcherProperties.Previews("GitLab", null, Duration.ofDays(1)));

    assertThat(PreviewSettings.of(github).provider()).isEqualTo("github");
    assertThat(PreviewSettings.of(github).refPrefix()).isEqualTo("refs/pull/");
    assertThat(PreviewSettings.of(gitlab).refPrefix()).isEqualTo("refs/merge-requests/");
    assertThat(PreviewSettings.of(elsewhere).enabled()).isFalse();
    assertThat(PreviewSettings.of(off).enabled()).isFalse();
    assertThat(PreviewSettings.of(named).provider()).isEqualTo("gitlab");
  }

  @Test
  void refusesAnUnknownProviderAndPreviewsOnWithoutOne() {
    var bitbucket =
        previewing(
            dir.toString(), new GitWatcherProperties.Previews("bitbucket", null, Duration.ZERO));
    var unknown =
        previewing(dir.toString(), new GitWatcherProperties.Previews(null, true, Duration.ZERO));

    var result = SourceConfigValidator.validate(List.of(bitbucket));
    assertThat(result).isInstanceOf(SourceConfigValidator.Result.Invalid.class);
    assertThat(((SourceConfigValidator.Result.Invalid) result).problems())
        .anyMatch(p -> p.contains("previews.provider must be github or gitlab"));
    var result2 = SourceConfigValidator.validate(List.of(unknown));
    assertThat(((SourceConfigValidator.Result.Invalid) result2).problems())
        .anyMatch(p -> p.contains("previews.enabled needs previews.provider"));
  }
}
