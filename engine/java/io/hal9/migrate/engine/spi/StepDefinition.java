package io.hal9.migrate.engine.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import org.jooq.SQLDialect;

/** One step of a plan file as written, with its defaults applied and the line of every key. */
public interface StepDefinition {

  String id();

  /** The value of {@code type:}. */
  String type();

  /** The version of the plan file it is in ({@code 2}, {@code 1.1}). */
  String version();

  /** The plan file. */
  Path file();

  /** The plan directory: relative paths in a step (files, folders) resolve against it. */
  Path planDirectory();

  /** The line of the step in its plan file. */
  int line();

  /** The line of {@code key} in the plan file, or of the step when the key is absent. */
  int line(String key);

  /** The step as written (all keys, id and type included). */
  ObjectNode node();

  /** SHA-256 over the step as written and the files it reads. */
  String checksum();

  /** The bytes of a file the step reads, as the plan loader read them ({@code path} as the step names it). */
  byte[] content(String path);

  /** The files of a folder the step reads, by their path inside it ('/'-separated), in name order. */
  SortedMap<String, byte[]> folder(String path);

  boolean has(String key);

  /** The value of {@code key}, or its declared default, or null. */
  JsonNode value(String key);

  String string(String key);

  long longValue(String key);

  int intValue(String key);

  boolean bool(String key);

  /** A string or a list of strings, as a list. */
  List<String> strings(String key);

  /** SQL written for every database, or per database ({@code h2}, {@code postgresql}, {@code default}); null when none. */
  String sql(String key, SQLDialect dialect);

  /** Where the step is, for messages: {@code V2__seed.yaml:7 step 'seed'}. */
  default String where() {
    return file().getFileName() + ":" + line() + " step '" + id() + "'";
  }
}
