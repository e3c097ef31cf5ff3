package dev.opsledger.applier;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps the applier's core free of its edges.
 *
 * <p>Why: the core decides what happens to a live system (apply, prune, skip, wait for approval),
 * and those decisions must be the same whether a diff arrives from the binder, from the replay at
 * start or from a test. A core that could reach Kafka, a Kubernetes client (fabric8) or the AWS SDK
 * could act outside the {@code ResourceApplier} and {@code EventSink} ports, where nothing records
 * an outcome; one that cannot is tested with in-memory sinks and a fake applier ({@code
 * ApplyEngineTest}), without a broker or a cluster. Clients live in the edge packages: {@code
 * stream} (Kafka), {@code kubernetes} (fabric8), {@code aws} (AWS SDK), {@code web} (HTTP), wired
 * at the package root.
 */
@AnalyzeClasses(
    packages = "dev.opsledger.applier",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String[] CORE = {
    "dev.opsledger.applier.engine..",
    "dev.opsledger.applier.policy..",
    "dev.opsledger.applier.apply..",
    "dev.opsledger.applier.rollback.."
  };

  @ArchTest
  static final ArchRule coreUsesNoInfrastructureClient =
      noClasses()
          .that()
          .resideInAnyPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.kafka..",
              "dev.opsledger.kafka..",
              "io.fabric8..",
              "software.amazon.awssdk..",
              "com.amazonaws..",
              "org.springframework..")
          .because("the core decides through ports, the same from the binder, a replay or a test");

  /**
   * service-support's plain-Java ports ({@code dev.opsledger.service.core}) are allowed; its Kafka
   * publisher and record decoding are not: they are Kafka behind another name.
   */
  @ArchTest
  static final ArchRule corePublishesOnlyThroughThePort =
      noClasses()
          .that()
          .resideInAnyPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.opsledger.service")
          .because("events leave the core through the EventSink port only");

  @ArchTest
  static final ArchRule onlyTheStreamEdgeReadsKafka =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.opsledger.applier.stream..", "dev.opsledger.applier")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.kafka..", "dev.opsledger.kafka..")
          .because("Kafka is an edge: the rest sees events/ records");

  @ArchTest
  static final ArchRule onlyTheKubernetesEdgeUsesFabric8 =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.opsledger.applier.kubernetes..", "dev.opsledger.applier")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.fabric8..")
          .because("the cluster is reached through the KubernetesApplier only");

  @ArchTest
  static final ArchRule onlyTheAwsEdgeUsesTheAwsSdk =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.opsledger.applier.aws..", "dev.opsledger.applier")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("software.amazon.awssdk..")
          .because("AWS is reached through the AwsApplier only");
}
