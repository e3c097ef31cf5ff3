package dev.opsledger.cli;

import dev.opsledger.kafka.KafkaAccessDeniedException;
import dev.opsledger.kafka.KafkaUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code opsledger} command's entry point. */
@Command(
    name = "opsledger",
    mixinStandardHelpOptions = true,
    // Every subcommand answers --help (and --version) too.
    scope = CommandLine.ScopeType.INHERIT,
    version = "opsledger 0.1.0",
    description = "GitOps as an event log.",
    subcommands = {
      UpCommand.class,
      BrokerCommand.class,
      StatusCommand.class,
      DiffCommand.class,
      SyncCommand.class,
      RollbackCommand.class,
      AuditCommand.class,
      ReplayCommand.class,
      ServiceCommand.class
    })
public class OpsLedgerCli {

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for tests and for {@code main}. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new OpsLedgerCli());
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof CliException c) {
            commandLine.getErr().println("error: " + c.getMessage());
            commandLine.getErr().flush();
            return c.exitCode();
          }
          if (ex instanceof KafkaUnavailableException unavailable) {
            commandLine.getErr().println("error: " + unavailable.getMessage());
            commandLine.getErr().flush();
            return ExitCodes.UNAVAILABLE;
          }
          if (ex instanceof KafkaAccessDeniedException denied) {
            commandLine.getErr().println("error: " + denied.getMessage());
            commandLine.getErr().flush();
            return ExitCodes.UNAVAILABLE;
          }
          commandLine.getErr().println("error: " + ex);
          commandLine.getErr().flush();
          return ExitCodes.UNAVAILABLE;
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine().getErr().println("error: " + ex.getMessage());
          ex.getCommandLine().usage(ex.getCommandLine().getErr());
          return ExitCodes.USAGE;
        });
    return cl;
  }
}
