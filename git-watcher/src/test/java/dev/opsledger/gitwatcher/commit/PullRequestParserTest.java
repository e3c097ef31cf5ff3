package dev.opsledger.gitwatcher.commit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.PullRequestRef;
import org.junit.jupiter.api.Test;

class PullRequestParserTest {

  @Test
  void readsAGithubMergeCommit() {
    assertThat(
            PullRequestParser.parse(
                "Merge pull request #12 from org/feature\n\nAdd things",
                "git@github.com:Org/Repo.git"))
        .isEqualTo(new PullRequestRef("github", 12, "https://github.com/org/repo/pull/12"));
  }

  @Test
  void readsAGithubSquashCommitFromTheFirstLineOnly() {
    assertThat(
            PullRequestParser.parse(
                "Bump nginx to 1.27 (#345)\n\n* details", "https://github.com/o/r.git"))
        .isEqualTo(new PullRequestRef("github", 345, "https://github.com/o/r/pull/345"));
    assertThat(PullRequestParser.parse("Fix\n\nsee (#3)", "https://github.com/o/r")).isNull();
  }

  @Test
  void readsAGitlabMergeRequest() {
    assertThat(
            PullRequestParser.parse(
                "Merge branch 'x' into 'main'\n\nThings\n\nSee merge request group/sub/proj!77\n",
                "https://gitlab.example.com/group/sub/proj.git"))
        .isEqualTo(
            new PullRequestRef(
                "gitlab", 77, "https://gitlab.example.com/group/sub/proj/-/merge_requests/77"));
  }

  @Test
  void readsBitbucketCloudAndServerMerges() {
    assertThat(
            PullRequestParser.parse(
                "Merged in feature/x (pull request #9)\n\nApproved-by: A",
                "git@bitbucket.org:ws/repo.git"))
        .isEqualTo(
            new PullRequestRef("bitbucket", 9, "https://bitbucket.org/ws/repo/pull-requests/9"));
    assertThat(
            PullRequestParser.parse(
                    "Pull request #5: Title", "https://bitbucket.example/scm/p/r.git")
                .number())
        .isEqualTo(5);
  }

  @Test
  void aPlainCommitHasNoPullRequestAndALocalRepositoryNoLink() {
    assertThat(PullRequestParser.parse("Just a change", "https://github.com/o/r")).isNull();
    assertThat(PullRequestParser.parse("Fix (#4)", "file:///tmp/repo.git").url()).isEmpty();
  }
}
