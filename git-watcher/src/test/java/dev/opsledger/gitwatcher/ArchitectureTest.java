package dev.opsledger.gitwatcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps the core pure: validation of manifests, commit message conventions and source settings must
 * not reach Git, Kafka or Spring.
 *
 * <p>Why: atomic validation is the git-watcher's promise. A validator that could fetch, publish or
 * read framework state could half-accept a revision or behave differently in tests; one that only
 * sees bytes pushed in by the Git edge is a function, tested without a repository or a broker, and
 * the same whether the bytes came from a poll, a webhook or a restart.
 */
@AnalyzeClasses(
    packages = "dev.opsledger.gitwatcher",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule coreUsesNoInfrastructureClient =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.opsledger.gitwatcher.manifest..",
              "dev.opsledger.gitwatcher.commit..",
              "dev.opsledger.gitwatcher.source..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.eclipse.jgit..", "org.apache.kafka..", "org.springframework..")
          .because("validation is a pure function of the bytes the Git edge pushes in");

  @ArchTest
  static final ArchRule renderingSeesAWrittenTreeNotGitOrKafka =
      noClasses()
          .that()
          .resideInAPackage("dev.opsledger.gitwatcher.render..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.eclipse.jgit..", "org.apache.kafka..", "org.springframework..")
          .because(
              "a renderer reads only the tree the Git edge wrote for it, so it cannot reach"
                  + " another revision, and a rendering error is data, never a publish");

  @ArchTest
  static final ArchRule onlyTheGitEdgeUsesJgit =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.opsledger.gitwatcher.git..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.eclipse.jgit..")
          .because("JGit is an edge: the rest sees commits and blobs as plain data");
}
