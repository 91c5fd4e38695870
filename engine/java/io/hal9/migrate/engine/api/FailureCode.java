package io.hal9.migrate.engine.api;

/**
 * A stable failure code, as pipelines branch on it ({@code error.code} in the CLI's JSON). The engine's are
 * {@link ErrorCode}; a step type may fail with codes of its own (the tools' health checks do), which a run passes on.
 */
public interface FailureCode {
  String name();
}
