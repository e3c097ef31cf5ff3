/** The stand-alone entry point of the git-watcher; wiring is in {@code GitWatcherConfiguration}. */
package dev.opsledger.gitwatcher.app;
