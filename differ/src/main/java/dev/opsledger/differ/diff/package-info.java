/**
 * The diff engine: a pure function from a desired manifest, a live object and ignore rules to a
 * {@link dev.opsledger.differ.diff.DiffResult} ({@code InSync}, {@code Drifted}, {@code Missing} or
 * {@code CannotCompare}). Entry point: {@link dev.opsledger.differ.diff.DiffEngine#diff}.
 *
 * <p>Role: pair the two documents, normalise them ({@link
 * dev.opsledger.differ.normalize.NormalizerChain}), compare them one-way (only the fields the
 * manifest sets, as server-side apply owns them; named list items by key, not position) and, when
 * they differ, say how: an RFC 6902 JSON Patch from the live object to the desired state
 * (restricted to the fields the manifest sets), the changed paths, and a unified diff of the two as
 * YAML for people.
 *
 * <p>Invariants: no I/O, no clock, no randomness, no framework or client types (checked by {@code
 * ArchitectureTest}), so the same inputs always give the same result and the Axon aggregate can
 * call it while replaying; the caller's documents are never modified; the patch's paths address the
 * live object as observed, and applying the patch to it yields an object the engine finds in sync;
 * Secret values appear in the patch only as the sealed values of the manifest, and never in the
 * readable diff, which shows {@code <secret>} markers instead; a document that cannot be compared
 * yields {@code CannotCompare} with a reason, never an exception.
 */
package dev.opsledger.differ.diff;
