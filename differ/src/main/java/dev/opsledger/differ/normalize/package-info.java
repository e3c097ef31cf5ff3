/**
 * Normalisation: makes a desired manifest and a live object say the same thing in the same way when
 * they mean the same thing, so that the diff reports real drift and no noise.
 *
 * <p>Role: one {@link dev.opsledger.differ.normalize.Normalizer} per concern, composed by {@link
 * dev.opsledger.differ.normalize.NormalizerChain#standard()} in this fixed order:
 *
 * <ol>
 *   <li>{@link dev.opsledger.differ.normalize.ServerSetFieldsNormalizer}: drops what the API server
 *       writes ({@code status}, {@code uid}, {@code managedFields}, ...); first, so no later step
 *       reads them, and so the last-applied annotation (which holds plain Secret values) is gone
 *       before anything could show it;
 *   <li>{@link dev.opsledger.differ.normalize.ClusterScopeNormalizer}: a desired namespace that the
 *       live object lacks is ignored (the kind is cluster-scoped: every namespaced live object has
 *       one); before the ignore rules, as it is about which object, not about its fields;
 *   <li>{@link dev.opsledger.differ.normalize.IgnoreRulesNormalizer}: the user's ignore rules;
 *       early, so an ignored field is never compared nor reported by a later step;
 *   <li>{@link dev.opsledger.differ.normalize.SecretsNormalizer}: Secret values compare by
 *       fingerprint; before the generic steps so that none of them reads a Secret payload;
 *   <li>{@link dev.opsledger.differ.normalize.EmptyCollectionsNormalizer}: {@code {}}, {@code []}
 *       and {@code null} equal absent; before defaults, so an explicitly empty value is not filled
 *       in;
 *   <li>{@link dev.opsledger.differ.normalize.DefaultsNormalizer}: API-server defaults and
 *       allocated fields; before the value steps, so a filled-in default is compared by meaning;
 *   <li>{@link dev.opsledger.differ.normalize.QuantityNormalizer}: {@code 500m} = {@code 0.5};
 *       before numbers, which know nothing of suffixes;
 *   <li>{@link dev.opsledger.differ.normalize.NumericStringNormalizer}: {@code "8080"} = {@code
 *       8080}; last, the most generic.
 * </ol>
 *
 * <p>Invariants: normalisers are pure and stateless (one instance serves every thread); they work
 * on copies the engine made, never on the caller's documents; they change the desired manifest only
 * by removing members (never Secret payloads, never values), and the live object only by making a
 * value say exactly what the desired one says when both mean the same, or by filling in what the
 * API server would have stored; they never add or remove a live list item, so list indices in a
 * patch address the live object as observed; a message in a {@link
 * dev.opsledger.differ.tree.NotComparableException} never contains a Secret value. No framework,
 * client or I/O type is used here (checked by {@code ArchitectureTest}).
 */
package dev.opsledger.differ.normalize;
