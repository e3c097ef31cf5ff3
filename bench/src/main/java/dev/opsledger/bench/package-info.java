/**
 * The end-to-end benchmark (issue 17): {@code opsledger up --exit-when-synced} run as a separate
 * process on a generated repository and measured from outside (its output, {@code /proc}), next to
 * the machine's limits measured in the same run on the same emulator and broker code; and, on one
 * {@code up} left running, commit→applied and live edit→healed latency and a no-change resync. It
 * reports figures and never judges them: nothing here fails a build on a time.
 */
package dev.opsledger.bench;
