/**
 * Push webhooks: GitHub, GitLab, Bitbucket and a generic HMAC receiver. A verified push to a
 * tracked branch asks the {@link dev.opsledger.gitwatcher.watch.FetchScheduler} for an immediate
 * cycle of the matching sources.
 *
 * <p>Invariants: signatures are compared in constant time ({@link
 * java.security.MessageDigest#isEqual}); a receiver without a secret is not started unless marked
 * insecure; a body over the limit is refused before it is read whole; secrets and bodies are never
 * logged; a webhook never writes an event itself, it only triggers a fetch (the fetch is the truth,
 * a forged or replayed push can at worst cause one extra fetch).
 */
package dev.opsledger.gitwatcher.webhook;
