package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.LockHolder;
import io.hal9.migrate.checkpoints.Partition;
import io.hal9.migrate.checkpoints.PartitionState;
import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.engine.api.LockInfo;
import io.hal9.migrate.engine.api.Status;
import io.hal9.migrate.engine.api.StepState;
import io.hal9.migrate.engine.api.VersionState;
import io.hal9.migrate.engine.internal.plan.PlanVersion;
import io.hal9.migrate.engine.spi.StepDefinition;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every plan version with its steps' checkpoints, and who holds the run lock. Reads only. */
public final class StatusCommand {
  private final Engine engine;

  public StatusCommand(Engine engine) {
    this.engine = engine;
  }

  public Status execute() {
    return of(engine.store().steps());
  }

  Status of(Map<String, StepCheckpoint> checkpoints) {
    boolean initialized = engine.store().initialized();
    Optional<LockHolder> holder = initialized ? engine.store().lock().holder() : Optional.empty();
    Optional<Status.PauseInfo> paused = engine.store().paused().map(p -> new Status.PauseInfo(p.at(), p.by()));
    // Paused is what the running step of a live holder does: a dead one's step waits for nothing.
    boolean pausing = paused.isPresent() && holder.filter(h -> h.deadBecause() == null).isPresent();
    LocalDateTime now = initialized ? engine.store().now() : null;
    Map<String, List<Partition>> partitions = initialized && engine.store().partitioned()
        ? engine.store().partitions().all() : Map.of();
    List<Status.VersionStatus> versions = new ArrayList<>();
    for (PlanVersion version : engine.plan().versions()) {
      List<Status.StepStatus> steps = new ArrayList<>();
      for (StepDefinition step : version.steps()) {
        StepCheckpoint checkpoint = checkpoints.get(step.id());
        steps.add(checkpoint == null
            ? new Status.StepStatus(step.id(), step.type(), StepState.PENDING, 0, -1, 0, null, null, null, null, null, List.of())
            : step(checkpoint, pausing, partitions.getOrDefault(step.id(), List.of()), now));
      }
      versions.add(new Status.VersionStatus(version.version().toString(), version.description(),
          VersionState.of(steps.stream().map(Status.StepStatus::state).toList()), steps));
    }
    return new Status(versions, holder.map(StatusCommand::lockInfo), paused, now);
  }

  private static Status.StepStatus step(StepCheckpoint c, boolean pausing, List<Partition> partitions, LocalDateTime now) {
    StepState state = StepState.valueOf(c.state().name());
    String heldBy = c.heldBy();
    if (pausing && state == StepState.RUNNING) {
      state = StepState.PAUSED;
      heldBy = null; // the pause says why it waits; a throttle's reason would read as the cause
    }
    // A partitioned step's row is summed by its runner between its own partitions: the partitions are newer.
    long rows = partitions.isEmpty() ? c.rows() : partitions.stream().mapToLong(Partition::rows).sum();
    long expected = partitions.isEmpty() || partitions.stream().anyMatch(p -> p.expected() < 0) ? c.expected()
        : partitions.stream().mapToLong(Partition::expected).sum();
    String counters = partitions.isEmpty() || partitions.get(0).undo() ? c.counters()
        : Optional.ofNullable(PartitionedStep.summed(partitions, null)).orElse(c.counters());
    return new Status.StepStatus(c.stepId(), c.type(), state, rows, expected, c.attempts(), c.error(), counters,
        heldBy, c.startedAt(), c.updatedAt(), partitions.stream().map(p -> partition(p, now)).toList());
  }

  private static Status.PartitionStatus partition(Partition p, LocalDateTime now) {
    boolean expired = p.state() == PartitionState.RUNNING && p.leaseUntil() != null && now != null && p.leaseUntil().isBefore(now);
    return new Status.PartitionStatus(p.number(), p.undo(), p.state().label(), p.rows(), p.expected(), p.owner(),
        p.state() == PartitionState.DONE ? null : p.leaseUntil(), expired, p.claims());
  }

  static LockInfo lockInfo(LockHolder h) {
    return new LockInfo(h.epoch(), h.runId(), h.host(), h.pid(), h.since(), h.heartbeat(), h.leaseUntil(), h.deadBecause());
  }
}
