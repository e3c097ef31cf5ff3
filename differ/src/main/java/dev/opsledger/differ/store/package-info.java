/**
 * The differ's event store in its database: the tables Axon's JDBC storage engine and token store
 * use, created at start and converted in place from the layout of the JPA era (see {@link
 * dev.opsledger.differ.store.EventStoreSchema}).
 */
package dev.opsledger.differ.store;
