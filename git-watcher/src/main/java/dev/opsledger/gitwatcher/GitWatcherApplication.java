package dev.opsledger.gitwatcher;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Runs the git-watcher on its own. No component scan: every bean comes from {@link
 * GitWatcherConfiguration}, exactly as when all services share one process.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(GitWatcherConfiguration.class)
public class GitWatcherApplication {

  /** Starts the git-watcher. */
  public static void main(String[] args) {
    SpringApplication.run(GitWatcherApplication.class, args);
  }
}
