/**
 * The applier's management API: manual sync approvals ({@code POST /api/v1/approvals}), on a port
 * of its own, behind approver bearer tokens, a Host check and a body cap.
 *
 * <p>Invariants: a request only writes a {@code SyncApproved} event, whose {@code approvedBy} is
 * the identity of the request's token and whose revision is the one the request names; nothing is
 * applied from the request thread.
 */
package dev.opsledger.applier.web;
