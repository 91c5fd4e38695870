package io.hal9.migrate.tools.config;

import java.util.List;

/** One check (or family of checks) over all documents at once, since some compare files with each other. */
interface ConfigRule {
  void check(List<ConfigDocument> documents, List<Finding> findings);
}
