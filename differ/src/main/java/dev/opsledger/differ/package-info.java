/**
 * The differ service: its configuration ({@link dev.opsledger.differ.DifferConfiguration}, {@link
 * dev.opsledger.differ.DifferProperties}) and its main class. The diff engine is in {@code diff},
 * {@code normalize} and {@code tree}; the aggregate in {@code reconcile}; the Kafka edges in {@code
 * stream} (in) and {@code outbox} (out).
 */
package dev.opsledger.differ;
