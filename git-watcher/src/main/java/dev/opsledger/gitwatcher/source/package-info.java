/**
 * What a source is: its settings as the watcher uses them, how its URL is classified and shown, and
 * the start-up check of the whole {@code opsledger.git-watcher.sources[]} list.
 *
 * <p>Invariants: a {@link dev.opsledger.gitwatcher.source.SourceSettings} only exists for a source
 * that passed {@link dev.opsledger.gitwatcher.source.SourceConfigValidator}; a URL shown in an
 * event or a log never carries credentials ({@link
 * dev.opsledger.gitwatcher.source.RepositoryUrls#redact}). No Git or Kafka client here.
 */
package dev.opsledger.gitwatcher.source;
