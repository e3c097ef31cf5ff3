/**
 * The Kafka edge of the differ: Spring Cloud Stream consumers of {@code opsledger.desired} and
 * {@code opsledger.observed} turn each event into a command for its resource's aggregate.
 *
 * <p>Invariants: a record that cannot be read goes to the topic's DLQ ({@code EventMessages}); an
 * event type the differ does not use, or a key for a whole kind ({@code *}), is skipped;
 * idempotence is the aggregate's (it dedupes on the input's {@code ce_id} and content).
 */
package dev.opsledger.differ.stream;
