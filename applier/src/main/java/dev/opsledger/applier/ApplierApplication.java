package dev.opsledger.applier;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The applier as its own service. No component scan: every bean comes from {@link
 * ApplierConfiguration}, exactly as when all services share one context.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ApplierConfiguration.class)
public class ApplierApplication {

  /** Starts the applier. */
  public static void main(String[] args) {
    SpringApplication.run(ApplierApplication.class, args);
  }
}
