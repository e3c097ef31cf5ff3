/**
 * The applier's HTTP API: manual sync approval.
 *
 * <p>Invariants: a request only writes a {@code SyncApproved} event; nothing is applied from the
 * request thread.
 */
package dev.opsledger.applier.web;
