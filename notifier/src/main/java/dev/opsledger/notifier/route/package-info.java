/**
 * Where and how to say it: routing rules (event type, source, target, severity → channels) and
 * placeholder templates users can override.
 *
 * <p>Invariants: pure; a channel only receives notice kinds it can carry; rendered text is masked.
 */
package dev.opsledger.notifier.route;
