/**
 * Rendering of Kustomize overlays and Helm charts into plain manifests, before validation: the
 * rendered documents, not the inputs, are what a revision declares.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>Inputs come only from the revision: the Git edge writes the source's part of the tree to a
 *       fresh directory, the renderers read nothing else, and the directory is deleted after.
 *   <li>No network: Kustomize remote bases and references leaving the written tree are refused
 *       before Kustomize runs, and Kustomize runs with every proxy pointing nowhere and Git
 *       transports disabled; Helm renders in-process without dependency updates.
 *   <li>A rendering error is an error of the revision (file and reason), never an exception: the
 *       revision is rejected whole, as for a YAML error, and other sources go on.
 *   <li>Rendered files go through {@link dev.opsledger.gitwatcher.manifest.RevisionScan} like any
 *       file: size caps, names, Secret sealing and scopes apply unchanged.
 * </ul>
 */
package dev.opsledger.gitwatcher.render;
