/**
 * The declared state of one revision: reading manifest files (multi-document YAML and JSON, with
 * line numbers), turning documents into resources keyed by {@link
 * dev.opsledger.events.ResourceKey}, validating AWS kinds against their schema, and deciding
 * whether a revision is accepted whole or rejected whole.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>Atomic: {@link dev.opsledger.gitwatcher.manifest.RevisionScan#finish()} returns either an
 *       index of every resource or every error found, never a partial index.
 *   <li>Content hashes are computed with Secret values replaced by their keyed fingerprints, so a
 *       hash changes when a value changes and never reveals it, and does not change when nothing
 *       changed (sealing is randomised, fingerprints are not).
 *   <li>Bounded memory: a scan keeps per resource only its key, file, line and hash; manifests are
 *       read one file at a time and dropped.
 * </ul>
 *
 * Pure: no JGit and no Kafka here; files are pushed in by the Git edge.
 */
package dev.opsledger.gitwatcher.manifest;
