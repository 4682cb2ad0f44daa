package io.tradingdb.operator.tradingdatabase.pooler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starting Debian's server binaries for tests: as the unprivileged {@code postgres} user when the
 * tests run as root (pgBouncer and PostgreSQL refuse root), in temp folders that user owns.
 */
public final class LocalProcesses {

  private LocalProcesses() {}

  public static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** The command, prefixed to run as {@code postgres} when needed, with environment assignments. */
  public static List<String> asPostgres(List<String> environment, List<String> command) {
    List<String> full = new ArrayList<>();
    if (runningAsRoot()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.add("env");
    full.addAll(environment);
    full.addAll(command);
    return full;
  }

  /** A temp folder the {@code postgres} user owns (mode 0700). */
  public static Path folderForPostgres(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      chownToPostgres(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a file into such a folder, readable only by its owner. */
  public static void writeForPostgres(Path file, String text) {
    try {
      Files.writeString(file, text);
      chownToPostgres(file);
      run(List.of("chmod", "600", file.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void chownToPostgres(Path path) {
    if (runningAsRoot()) {
      run(List.of("chown", "postgres:postgres", path.toString()));
    }
  }

  /** Runs a command to completion; fails with its output when it exits non-zero. */
  public static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      int exit = process.waitFor();
      if (exit != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + exit + ":\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Fails with a message naming the Debian package when a binary is missing. */
  public static String requireBinary(String path, String debianPackage) {
    if (!Files.isExecutable(Path.of(path))) {
      throw new IllegalStateException(
          path + " is missing: install the Debian package with `apt-get install " + debianPackage + "`");
    }
    return path;
  }

  /** A random hex password for a test login (never printed). */
  public static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
