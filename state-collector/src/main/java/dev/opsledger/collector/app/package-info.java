/**
 * The state-collector run alone as a Spring Boot application.
 *
 * <p>Role: a thin main class; everything is wired by {@link
 * dev.opsledger.collector.StateCollectorConfiguration}, exactly as when all services share one
 * process. Invariant: nothing but the main class lives here, so component scanning finds nothing
 * else.
 */
package dev.opsledger.collector.app;
