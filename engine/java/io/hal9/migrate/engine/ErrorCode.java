package io.hal9.migrate.engine;

/** The stable failure codes of the CLI contract, each with its exit code. */
public enum ErrorCode {
  USAGE(2),
  PLAN_INVALID(2),
  BAD_URL(2),
  DB_UNREACHABLE(2),
  ROLLBACK_REFUSED(2),
  CONFIG_UNREADABLE(2),
  STEP_FAILED(1),
  LOCKED(3),
  LOCK_LOST(3),
  CHECKSUM_MISMATCH(4),
  HISTORY_MISMATCH(4),
  ROLLBACK_INCOMPLETE(4),
  HEALTH_FAILED(5),
  /** {@code config lint} found an error-level finding. */
  CONFIG_INVALID(5),
  /** The nodes cannot hold what a scale-up adds; nothing was changed. */
  CAPACITY_SHORT(5),
  /** A deployment did not become ready in time after a change. */
  ROLLOUT_TIMEOUT(5),
  /** A deployment, autoscaler or container named for scaling does not exist. */
  K8S_NOT_FOUND(2),
  /** No Kubernetes API server answered (kubeconfig, network). */
  K8S_UNREACHABLE(2),
  /** The API server refused a request (forbidden, invalid). */
  K8S_REFUSED(2),
  STOPPED(130),
  INTERNAL(1);

  private final int exitCode;

  ErrorCode(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
