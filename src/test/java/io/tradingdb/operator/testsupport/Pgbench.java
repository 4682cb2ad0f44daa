package io.tradingdb.operator.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** PostgreSQL's pgbench, run as a process, and what its summary says. */
public final class Pgbench {

  static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\((?:including reconnection times|without initial connection time)\\)");
  public static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");
  public static final Pattern FAILED = Pattern.compile("number of failed transactions: (\\d+)");

  private Pgbench() {}

  /** One run: its exit code and everything it printed. */
  public record Run(int exit, String output) {
    public double tps() {
      Matcher m = TPS.matcher(output);
      return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The number a summary line holds, or -1 when pgbench did not print it. */
    public long count(Pattern pattern) {
      Matcher m = pattern.matcher(output);
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Transactions that failed, 0 when pgbench printed no such line. */
    public long failed() {
      return Math.max(0, count(FAILED));
    }

    public String firstLine(String containing) {
      return output.lines().filter(l -> l.contains(containing)).findFirst().orElse("(no such line)").strip();
    }
  }

  /** The newest pgbench of the host's PostgreSQL packages (Debian: /usr/lib/postgresql/N/bin). */
  public static String binary() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.map(v -> v.resolve("bin/pgbench")).filter(Files::isExecutable)
          .max(Comparator.comparingInt(p -> Integer.parseInt(p.getParent().getParent().getFileName().toString())))
          .map(Path::toString)
          .orElseThrow(() -> new IllegalStateException("no pgbench under /usr/lib/postgresql (Debian package postgresql)"));
    } catch (IOException e) {
      throw new IllegalStateException("no /usr/lib/postgresql (Debian package postgresql)", e);
    }
  }

  /**
   * Runs {@code pgbench -h host -p port -U user args... database}; the password and any libpq
   * settings ({@code PGSSLMODE}) go in the environment, never on the command line.
   */
  public static Run run(String binary, String host, int port, String user, String database,
      Map<String, String> environment, List<String> args) {
    List<String> command = new ArrayList<>(List.of(binary, "-h", host, "-p", Integer.toString(port), "-U", user));
    command.addAll(args);
    command.add(database);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes());
      return new Run(process.waitFor(), output);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + binary, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
