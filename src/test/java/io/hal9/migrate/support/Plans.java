package io.hal9.migrate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Plan directories written by tests. */
public final class Plans {
  /** The demo's schema version: the reference neuron tables, portable to H2 and PostgreSQL. */
  public static final Path DEMO = Path.of("plans/demo");

  private final Path directory;

  private Plans(Path directory) {
    this.directory = directory;
  }

  public static Plans in(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Plans(directory);
  }

  /** Starts with the demo's V1 (reference schema). */
  public Plans withReferenceSchema() {
    return copy(DEMO.resolve("V1__create_schema.yaml"), "V1__create_schema.yaml");
  }

  public Plans copy(Path source, String name) {
    try {
      Files.copy(source, directory.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public Plans file(String name, String content) {
    try {
      Path file = directory.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** V{version}__seed.yaml with one neuron-seed step of {@code count} rows. */
  public Plans seed(String version, String id, long count, int batchSize) {
    return file("V" + version + "__seed.yaml", "steps:\n  - id: " + id + "\n    type: neuron-seed\n    count: " + count
        + "\n    seed: 7\n    batch-size: " + batchSize + "\n");
  }

  public Path path() {
    return directory;
  }
}
