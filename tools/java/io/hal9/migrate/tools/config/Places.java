package io.hal9.migrate.tools.config;

import java.nio.file.Path;
import java.util.Objects;

/** {@code file:line} for a message about {@code from}: just the file name when it sits next to {@code from}. */
final class Places {
  private Places() {}

  static String of(Path from, Path file, int line) {
    boolean sameDirectory = Objects.equals(from.toAbsolutePath().getParent(), file.toAbsolutePath().getParent());
    return (sameDirectory ? file.getFileName() : file) + ":" + line;
  }
}
