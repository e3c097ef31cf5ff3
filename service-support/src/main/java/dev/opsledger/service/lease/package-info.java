/**
 * Active/standby for services whose work cannot be split by partitions (the git-watcher polls one
 * branch, the state-collector watches one cluster): a {@link
 * dev.opsledger.service.lease.ServiceLease} is held by whichever replica the Kafka group
 * coordinator assigns partition 0 of the service's one-partition lease topic.
 *
 * <p>Invariants: at most one replica of a service holds its lease while every replica reaches the
 * group coordinator (a replica that cannot heartbeat for a session timeout stands by on its own); a
 * replica that closes leaves the group at once, so its standby takes over without waiting for the
 * session timeout; callbacks run on the lease's thread and must not block.
 */
package dev.opsledger.service.lease;
