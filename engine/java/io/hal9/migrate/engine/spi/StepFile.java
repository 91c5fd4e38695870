package io.hal9.migrate.engine.spi;

/**
 * A file, or a folder of files, that a step reads besides its plan file, named by one of its keys with a path
 * relative to the plan directory. The plan loader reads each once, checks it stays inside the plan directory,
 * puts its bytes in the step's checksum, and the step runs those very bytes (an edit after the plan was loaded
 * changes nothing of the run).
 */
public record StepFile(String key, String path, boolean folder) {

  public static StepFile file(String key, String path) {
    return new StepFile(key, path, false);
  }

  public static StepFile folder(String key, String path) {
    return new StepFile(key, path, true);
  }
}
