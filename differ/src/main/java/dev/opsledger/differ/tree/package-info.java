/**
 * The JSON tree model the normalisers and the diff share: where a field is ({@link
 * dev.opsledger.differ.tree.Path}), which object a manifest names ({@link
 * dev.opsledger.differ.tree.ManifestRef}), how the items of a list are paired by key ({@link
 * dev.opsledger.differ.tree.ListKeys}) and a walk over a desired manifest with its live counterpart
 * ({@link dev.opsledger.differ.tree.PairedWalk}).
 *
 * <p>Invariants: everything here is pure and thread-safe (no I/O, no clock, no framework types);
 * the pairing of list items is defined once, here, so that every normaliser and the diff see the
 * same pairs; a manifest that cannot be paired raises {@link
 * dev.opsledger.differ.tree.NotComparableException}, a terminal outcome that retrying never
 * changes.
 */
package dev.opsledger.differ.tree;
