package dev.opsledger.gitwatcher;

import dev.opsledger.gitwatcher.source.SourceSettings;
import java.util.List;

/**
 * The validated sources, as one bean (a bare {@code List} bean would be confused with a collection
 * of beans when injected).
 *
 * @param all every source, in configuration order
 */
public record GitWatcherSources(List<SourceSettings> all) {}
