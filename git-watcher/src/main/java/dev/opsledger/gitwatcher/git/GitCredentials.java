package dev.opsledger.gitwatcher.git;

import dev.opsledger.gitwatcher.GitWatcherProperties;
import dev.opsledger.gitwatcher.source.RepositoryUrls;
import dev.opsledger.gitwatcher.source.SourceSettings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * Applies a source's credentials to JGit commands: HTTPS token or basic authentication, or SSH with
 * one private key and one known_hosts file. SSH never reads the user's {@code ~/.ssh/config} or
 * other keys, and an unknown or changed host key is refused (JGit's server key database only
 * accepts keys from the known_hosts file when nobody can be asked).
 */
final class GitCredentials {

  /** The user name sent with a bare token when none is configured (GitHub's convention). */
  static final String TOKEN_USER = "x-access-token";

  private final SourceSettings source;
  private final SshdSessionFactory ssh;

  GitCredentials(SourceSettings source) {
    this.source = source;
    this.ssh = source.kind() == RepositoryUrls.Kind.SSH ? sshFactory(source.auth()) : null;
  }

  /** Configures a fetch or clone. */
  void apply(TransportCommand<?, ?> command) {
    GitWatcherProperties.Auth auth = source.auth();
    if (source.kind() == RepositoryUrls.Kind.HTTPS && auth.hasHttpCredentials()) {
      String user = auth.username() == null ? TOKEN_USER : auth.username();
      String secret = auth.token() != null ? auth.token() : auth.password();
      command.setCredentialsProvider(new UsernamePasswordCredentialsProvider(user, secret));
    }
    if (ssh != null) {
      if (auth.privateKeyPassphrase() != null) {
        // JGit asks the credentials provider for the key's passphrase.
        command.setCredentialsProvider(
            new UsernamePasswordCredentialsProvider("", auth.privateKeyPassphrase()));
      }
      command.setTransportConfigCallback(
          transport -> {
            if (transport instanceof SshTransport t) {
              t.setSshSessionFactory(ssh);
            }
          });
    }
  }

  /** Releases SSH resources. */
  void close() {
    if (ssh != null) {
      ssh.close();
    }
  }

  private static SshdSessionFactory sshFactory(GitWatcherProperties.Auth auth) {
    Path key = auth.privateKeyFile().toAbsolutePath();
    Path knownHosts = auth.knownHostsFile().toAbsolutePath();
    File sshDir = key.getParent().toFile();
    return new SshdSessionFactoryBuilder()
        .setHomeDirectory(sshDir)
        .setSshDirectory(sshDir)
        .setConfigFile(dir -> new File(dir, ".opsledger-no-ssh-config"))
        .setDefaultIdentities(dir -> List.of(key))
        .setDefaultKnownHostsFiles(
            dir -> Files.exists(knownHosts) ? List.of(knownHosts) : List.of())
        .setPreferredAuthentications("publickey")
        .build(null);
  }
}
