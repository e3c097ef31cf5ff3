/**
 * The applier service: converges the live system by policy from {@code opsledger.diffs}, and
 * records every attempt and outcome on {@code opsledger.applies}.
 *
 * <p>Role of this package: wiring ({@link dev.opsledger.applier.ApplierConfiguration}) and
 * configuration ({@link dev.opsledger.applier.ApplierProperties}). Invariants: every bean name
 * starts with {@code applier} so all services can share one context.
 */
package dev.opsledger.applier;
