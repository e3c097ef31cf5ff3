/**
 * The notifier service: tells people and pull requests what happened, from the log.
 *
 * <p>Role: wiring ({@link dev.opsledger.notifier.NotifierConfiguration}), configuration ({@link
 * dev.opsledger.notifier.NotifierProperties}) and the stand-alone main class.
 *
 * <p>Invariants: bean names start with {@code notifier}; the configuration class sets no global
 * property; the consumers start only after the notifier's history was read.
 */
package dev.opsledger.notifier;
