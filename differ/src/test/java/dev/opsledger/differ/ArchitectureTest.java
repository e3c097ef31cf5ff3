package dev.opsledger.differ;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps the diff engine pure.
 *
 * <p>Why: the differ's Axon aggregate calls the engine while handling commands <em>and while
 * replaying</em> its event store, and replays must have no side effects and give the same answer
 * every time. An engine that could reach a Kubernetes client (fabric8), AWS, Git (JGit), Kafka,
 * Spring or Axon could do I/O or depend on framework state; one that cannot is a plain function
 * that is cheap to test with golden files and safe to call anywhere. Clients live in the edge
 * packages of the services, never here.
 */
@AnalyzeClasses(
    packages = "dev.opsledger.differ",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String[] ENGINE = {
    "dev.opsledger.differ.diff..", "dev.opsledger.differ.normalize..", "dev.opsledger.differ.tree.."
  };

  @ArchTest
  static final ArchRule engineUsesNoInfrastructureClient =
      noClasses()
          .that()
          .resideInAnyPackage(ENGINE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.fabric8..",
              "software.amazon.awssdk..",
              "com.amazonaws..",
              "org.eclipse.jgit..",
              "org.apache.kafka..",
              "org.springframework..",
              "org.axonframework..")
          .because("the engine is a pure function the aggregate also calls while replaying");

  @ArchTest
  static final ArchRule engineDoesNoIo =
      noClasses()
          .that()
          .resideInAnyPackage(ENGINE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.io..", "java.nio.file..", "java.net..", "java.sql..")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.time.Clock")
          .because("the same inputs must always give the same result, without I/O");

  /**
   * The aggregate may use Axon (it is an Axon aggregate) but neither Spring nor Kafka: it runs the
   * same under AggregateTestFixture, and the edges ({@code stream}, {@code outbox}) translate.
   */
  @ArchTest
  static final ArchRule reconciliationUsesNoSpringOrKafka =
      noClasses()
          .that()
          .resideInAPackage("dev.opsledger.differ.reconcile..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.kafka..", "org.springframework..", "dev.opsledger.service..")
          .because("the aggregate is tested and replayed without a broker or a Spring context");
}
