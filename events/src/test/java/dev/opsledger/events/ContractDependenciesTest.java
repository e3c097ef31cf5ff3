package dev.opsledger.events;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The contract must be usable by any subscriber: a service, an operator's own tool, an auditor's
 * script in any JVM language. So it may depend on the JDK (with {@code javax.crypto} for sealing
 * Secret values) and Jackson only: no Kafka client, Spring, Axon or cloud SDK, whose versions would
 * then be forced on every reader of the log.
 */
class ContractDependenciesTest {

  private static final JavaClasses CONTRACT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.opsledger.events");

  @Test
  void contractDependsOnlyOnTheJdkAndJackson() {
    classes()
        .that()
        .resideInAPackage("dev.opsledger.events..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "dev.opsledger.events..", "java..", "javax.crypto..", "com.fasterxml.jackson..")
        .check(CONTRACT);
  }

  @Test
  void everyEventIsARecord() {
    // Events are immutable values; a record also gives them the equality deduplication relies on.
    classes().that().implement(OpsLedgerEvent.class).should().beRecords().check(CONTRACT);
  }
}
