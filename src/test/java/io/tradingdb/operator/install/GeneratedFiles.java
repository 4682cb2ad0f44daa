package io.tradingdb.operator.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Committed files that the build can regenerate (CRD copies, the install manifest): a test compares them with what
 * the build produces now and, with {@code -Dgenerated.update=true}, rewrites them instead.
 */
final class GeneratedFiles {

  static final boolean UPDATE = Boolean.getBoolean("generated.update");
  static final Path PROJECT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  static final String REGENERATE_COMMAND =
      "mvn -B -q test -Dtest='CrdDriftTest,ManifestsDriftTest' -Dgenerated.update=true";

  private static final int DIFF_CONTEXT_LINES = 3;

  private GeneratedFiles() {}

  /**
   * Compares {@code committed} with {@code expected}; in update mode writes it. Returns a description of the
   * problem, or empty when the file matches (or was just rewritten).
   */
  static Optional<String> check(Path committed, String expected) {
    return check(committed, expected, REGENERATE_COMMAND);
  }

  /** As {@link #check(Path, String)}, for a file that another test regenerates with {@code regenerateCommand}. */
  static Optional<String> check(Path committed, String expected, String regenerateCommand) {
    String actual = Files.exists(committed) ? read(committed) : null;
    if (expected.equals(actual)) {
      return Optional.empty();
    }
    if (UPDATE) {
      write(committed, expected);
      System.out.println("generated.update: wrote " + PROJECT.relativize(committed));
      return Optional.empty();
    }
    String problem = actual == null
        ? PROJECT.relativize(committed) + " is missing"
        : PROJECT.relativize(committed) + " differs from what the build generates:\n" + firstDifference(expected, actual);
    return Optional.of(problem + "\n  fix: " + regenerateCommand);
  }

  /** A committed file that nothing generates any more; in update mode it is deleted. */
  static Optional<String> checkOrphan(Path committed, String whatIsMissing) {
    if (UPDATE) {
      delete(committed);
      System.out.println("generated.update: deleted " + PROJECT.relativize(committed));
      return Optional.empty();
    }
    return Optional.of(PROJECT.relativize(committed) + " has no generated source (" + whatIsMissing + ")"
        + "\n  fix: delete it, or run " + REGENERATE_COMMAND);
  }

  /** The first differing line with a few lines of context, as "-expected / +committed". */
  static String firstDifference(String expected, String actual) {
    List<String> want = expected.lines().toList();
    List<String> have = actual.lines().toList();
    int line = 0;
    while (line < want.size() && line < have.size() && want.get(line).equals(have.get(line))) {
      line++;
    }
    StringBuilder diff = new StringBuilder();
    diff.append("  first difference at line ").append(line + 1)
        .append(" (- generated, + committed; ").append(want.size()).append(" vs ").append(have.size())
        .append(" lines)\n");
    for (int i = Math.max(0, line - DIFF_CONTEXT_LINES); i < line; i++) {
      diff.append("    ").append(want.get(i)).append('\n');
    }
    int differing = 1;
    while (differing < DIFF_CONTEXT_LINES && line + differing < Math.min(want.size(), have.size())
        && !want.get(line + differing).equals(have.get(line + differing))) {
      differing++;
    }
    for (int i = line; i < Math.min(want.size(), line + differing); i++) {
      diff.append("  - ").append(want.get(i)).append('\n');
    }
    for (int i = line; i < Math.min(have.size(), line + differing); i++) {
      diff.append("  + ").append(have.get(i)).append('\n');
    }
    return diff.toString();
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
