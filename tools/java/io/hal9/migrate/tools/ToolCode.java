package io.hal9.migrate.tools;

import io.hal9.migrate.engine.api.FailureCode;

/** The failure codes of the tools (health, config lint, scale, the CLI itself), beside the engine's. */
public enum ToolCode implements FailureCode {
  /** A configuration or checks file, or a password file, cannot be read or parsed. */
  CONFIG_UNREADABLE,
  /** A health check failed. */
  HEALTH_FAILED,
  /** {@code config lint} found an error-level finding. */
  CONFIG_INVALID,
  /** The nodes cannot hold what a scale-up adds; nothing was changed. */
  CAPACITY_SHORT,
  /** A deployment did not become ready in time after a change. */
  ROLLOUT_TIMEOUT,
  /** A deployment, autoscaler or container named for scaling does not exist. */
  K8S_NOT_FOUND,
  /** No Kubernetes API server answered (kubeconfig, network). */
  K8S_UNREACHABLE,
  /** The API server refused a request (forbidden, invalid). */
  K8S_REFUSED,
  /**
   * A rollout phase went back to the previous one: a trigger fired, its gates did not hold after the bake, or
   * someone aborted it. Its traffic and flags are the previous phase's again.
   */
  ROLLED_BACK,
  /** A bug: a failure nobody named. */
  INTERNAL
}
