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
        id, url, "main", path, target, namespace, pollInterval, true, auth);
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
}
