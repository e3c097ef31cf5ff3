/**
 * The {@code opsledger} command.
 *
 * <p>Role: {@code up} runs everything in one process; every other command talks to a running
 * instance (found through {@code <data-dir>/instance.json}) or to a broker named by {@code
 * --bootstrap-servers}, reads the log through the audit library, and prints a table for people or
 * JSON ({@code -o json}) for tools.
 *
 * <p>Invariants: commands other than {@code up} and {@code sync} never write to Kafka; errors go to
 * standard error with a non-zero exit code: 1 drift found ({@code diff}), 2 usage, 3 the log cannot
 * be reached or the thing asked for does not exist.
 */
package dev.opsledger.cli;
