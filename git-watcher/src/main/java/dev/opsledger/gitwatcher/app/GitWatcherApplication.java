package dev.opsledger.gitwatcher.app;

import dev.opsledger.gitwatcher.GitWatcherConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * Runs the git-watcher alone. It lives in its own package so that component scanning finds nothing
 * but this class: everything else is wired by {@link GitWatcherConfiguration}, as it is when all
 * services share one process.
 */
@SpringBootApplication
@Import(GitWatcherConfiguration.class)
public class GitWatcherApplication {

  /** Starts the service. */
  public static void main(String[] args) {
    SpringApplication.run(GitWatcherApplication.class, args);
  }
}
