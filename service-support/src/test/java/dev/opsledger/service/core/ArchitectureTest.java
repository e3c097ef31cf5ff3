package dev.opsledger.service.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps {@code dev.opsledger.service.core} plain Java.
 *
 * <p>Why: the services' pure packages (the applier's engine, the notifier's dispatch, the
 * collector's emitter, the git-watcher's watcher) use the {@code EventSink} port and {@code
 * Backoff} from here, and their own ArchitectureTests forbid Kafka and Spring. Were this package to
 * import either, those cores would depend on it through the back door, and could no longer be
 * tested without a broker or a context.
 */
@AnalyzeClasses(
    packages = "dev.opsledger.service",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule coreIsPlainJava =
      noClasses()
          .that()
          .resideInAPackage("dev.opsledger.service.core..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.kafka..",
              "org.springframework..",
              "dev.opsledger.kafka..",
              "io.micrometer..",
              "dev.opsledger.service")
          .because("the services' pure cores use it and must stay free of Kafka and Spring");
}
