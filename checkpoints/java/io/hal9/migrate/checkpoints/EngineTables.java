package io.hal9.migrate.checkpoints;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.unquotedName;

import java.time.LocalDateTime;
import java.util.List;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/** The engine's own tables, described once for jOOQ (no code generation: the schema is eleven tables). */
final class EngineTables {
  private EngineTables() {}

  static final Table<Record> LOCK = table(unquotedName("hal9_lock"));
  static final Field<Integer> LOCK_ID = column(LOCK, "lock_id", SQLDataType.INTEGER);
  static final Field<Long> LOCK_EPOCH = column(LOCK, "epoch", SQLDataType.BIGINT);
  static final Field<String> LOCK_RUN = column(LOCK, "run_id", SQLDataType.VARCHAR(64));
  static final Field<String> LOCK_HOST = column(LOCK, "owner_host", SQLDataType.VARCHAR(255));
  static final Field<Long> LOCK_PID = column(LOCK, "owner_pid", SQLDataType.BIGINT);
  static final Field<LocalDateTime> LOCK_SINCE = column(LOCK, "acquired_at", SQLDataType.LOCALDATETIME);
  static final Field<LocalDateTime> LOCK_HEARTBEAT = column(LOCK, "heartbeat_at", SQLDataType.LOCALDATETIME);
  static final Field<LocalDateTime> LOCK_LEASE_UNTIL = column(LOCK, "lease_until", SQLDataType.LOCALDATETIME);
  /** Since V6: set while the runs are paused; a pause outlives the run that saw it, and the lock's holders. */
  static final Field<LocalDateTime> LOCK_PAUSED_AT = column(LOCK, "paused_at", SQLDataType.LOCALDATETIME);
  static final Field<String> LOCK_PAUSED_BY = column(LOCK, "paused_by", SQLDataType.VARCHAR(255));

  static final Table<Record> RUNS = table(unquotedName("hal9_runs"));
  static final Field<String> RUN_ID = column(RUNS, "run_id", SQLDataType.VARCHAR(64));
  static final Field<String> RUN_COMMAND = column(RUNS, "command", SQLDataType.VARCHAR(32));
  static final Field<String> RUN_HOST = column(RUNS, "owner_host", SQLDataType.VARCHAR(255));
  static final Field<Long> RUN_PID = column(RUNS, "owner_pid", SQLDataType.BIGINT);
  static final Field<Long> RUN_EPOCH = column(RUNS, "epoch", SQLDataType.BIGINT);
  static final Field<String> RUN_STATE = column(RUNS, "state", SQLDataType.VARCHAR(16));
  static final Field<LocalDateTime> RUN_STARTED = column(RUNS, "started_at", SQLDataType.LOCALDATETIME);
  static final Field<LocalDateTime> RUN_HEARTBEAT = column(RUNS, "heartbeat_at", SQLDataType.LOCALDATETIME);
  static final Field<LocalDateTime> RUN_FINISHED = column(RUNS, "finished_at", SQLDataType.LOCALDATETIME);

  static final Table<Record> STEPS = table(unquotedName("hal9_steps"));
  static final Field<String> STEP_ID = column(STEPS, "step_id", SQLDataType.VARCHAR(EngineSchema.STEP_ID_LENGTH));
  static final Field<String> STEP_VERSION = column(STEPS, "version", SQLDataType.VARCHAR(EngineSchema.VERSION_LENGTH));
  static final Field<String> STEP_TYPE = column(STEPS, "step_type", SQLDataType.VARCHAR(EngineSchema.STEP_TYPE_LENGTH));
  static final Field<String> STEP_CHECKSUM = column(STEPS, "checksum", SQLDataType.VARCHAR(64));
  static final Field<String> STEP_STATE = column(STEPS, "state", SQLDataType.VARCHAR(16));
  static final Field<String> STEP_CURSOR = column(STEPS, "cursor_value", SQLDataType.VARCHAR);
  static final Field<Long> STEP_ROWS = column(STEPS, "rows_done", SQLDataType.BIGINT);
  static final Field<String> STEP_COUNTERS = column(STEPS, "counters", SQLDataType.VARCHAR);
  static final Field<Integer> STEP_ATTEMPTS = column(STEPS, "attempts", SQLDataType.INTEGER);
  static final Field<String> STEP_ERROR = column(STEPS, "error", SQLDataType.VARCHAR);
  static final Field<String> STEP_UNDO = column(STEPS, "undo_record", SQLDataType.VARCHAR);
  static final Field<String> STEP_RUN = column(STEPS, "run_id", SQLDataType.VARCHAR(64));
  static final Field<LocalDateTime> STEP_STARTED = column(STEPS, "started_at", SQLDataType.LOCALDATETIME);
  static final Field<LocalDateTime> STEP_UPDATED = column(STEPS, "updated_at", SQLDataType.LOCALDATETIME);
  static final Field<LocalDateTime> STEP_FINISHED = column(STEPS, "finished_at", SQLDataType.LOCALDATETIME);
  /** Since V6: the step's units of work once it counted them, for progress and ETA from any machine. */
  static final Field<Long> STEP_EXPECTED = column(STEPS, "rows_expected", SQLDataType.BIGINT);
  /** Since V6: why the running step holds back before its next batch (a throttle), or null. */
  static final Field<String> STEP_HELD = column(STEPS, "held_by", SQLDataType.VARCHAR(500));

  static final Table<Record> HISTORY = table(unquotedName("hal9_history"));
  static final Field<Long> HISTORY_RANK = column(HISTORY, "installed_rank", SQLDataType.BIGINT);
  static final Field<String> HISTORY_VERSION = column(HISTORY, "version", SQLDataType.VARCHAR(EngineSchema.VERSION_LENGTH));
  static final Field<String> HISTORY_DESCRIPTION = column(HISTORY, "description", SQLDataType.VARCHAR(EngineSchema.DESCRIPTION_LENGTH));
  static final Field<String> HISTORY_SCRIPT = column(HISTORY, "script", SQLDataType.VARCHAR(EngineSchema.SCRIPT_LENGTH));
  static final Field<String> HISTORY_ACTION = column(HISTORY, "action", SQLDataType.VARCHAR(16));
  static final Field<String> HISTORY_CHECKSUM = column(HISTORY, "checksum", SQLDataType.VARCHAR(64));
  static final Field<String> HISTORY_RUN = column(HISTORY, "run_id", SQLDataType.VARCHAR(64));
  static final Field<String> HISTORY_BY = column(HISTORY, "installed_by", SQLDataType.VARCHAR(255));
  static final Field<LocalDateTime> HISTORY_ON = column(HISTORY, "installed_on", SQLDataType.LOCALDATETIME);
  static final Field<Long> HISTORY_MILLIS = column(HISTORY, "execution_ms", SQLDataType.BIGINT);

  static final Table<Record> SNAPSHOTS = table(unquotedName("hal9_snapshots"));
  static final Field<String> SNAPSHOT_STEP = column(SNAPSHOTS, "step_id", SQLDataType.VARCHAR(EngineSchema.STEP_ID_LENGTH));
  static final Field<String> SNAPSHOT_KEY = column(SNAPSHOTS, "row_key", SQLDataType.VARCHAR(EngineSchema.ROW_KEY_LENGTH));
  static final Field<String> SNAPSHOT_BEFORE = column(SNAPSHOTS, "before_value", SQLDataType.VARCHAR);
  /** Until V4: a neuron-state snapshot's state, version and layer; an embedding snapshot's JSON in old_state. */
  static final Field<String> SNAPSHOT_OLD_STATE = column(SNAPSHOTS, "old_state", SQLDataType.VARCHAR);
  static final Field<Integer> SNAPSHOT_OLD_VERSION = column(SNAPSHOTS, "old_version", SQLDataType.INTEGER);
  static final Field<String> SNAPSHOT_OLD_LAYER = column(SNAPSHOTS, "old_layer", SQLDataType.VARCHAR(64));

  static final Table<Record> REJECTS = table(unquotedName("hal9_rejects"));
  static final Field<String> REJECT_STEP = column(REJECTS, "step_id", SQLDataType.VARCHAR(EngineSchema.STEP_ID_LENGTH));
  static final Field<String> REJECT_KEY = column(REJECTS, "row_key", SQLDataType.VARCHAR(EngineSchema.ROW_KEY_LENGTH));
  static final Field<String> REJECT_REASON = column(REJECTS, "reason", SQLDataType.VARCHAR);
  static final Field<LocalDateTime> REJECT_ON = column(REJECTS, "recorded_at", SQLDataType.LOCALDATETIME);

  static final Table<Record> EVENTS = table(unquotedName("hal9_events"));
  static final Field<Long> EVENT_ID = column(EVENTS, "event_id", SQLDataType.BIGINT);
  static final Field<LocalDateTime> EVENT_AT = column(EVENTS, "recorded_at", SQLDataType.LOCALDATETIME);
  static final Field<String> EVENT_RUN = column(EVENTS, "run_id", SQLDataType.VARCHAR(64));
  static final Field<String> EVENT_VERSION = column(EVENTS, "version", SQLDataType.VARCHAR(EngineSchema.VERSION_LENGTH));
  static final Field<String> EVENT_STEP = column(EVENTS, "step_id", SQLDataType.VARCHAR(EngineSchema.STEP_ID_LENGTH));
  static final Field<String> EVENT_TYPE = column(EVENTS, "event_type", SQLDataType.VARCHAR(32));
  static final Field<String> EVENT_SEVERITY = column(EVENTS, "severity", SQLDataType.VARCHAR(16));
  static final Field<String> EVENT_MESSAGE = column(EVENTS, "message", SQLDataType.VARCHAR);

  /** Since V7: the routing HAL9 reads (one row): the rollout's phase and the hierarchical system's share of traffic. */
  static final Table<Record> ROUTING = table(unquotedName("hal9_routing"));
  static final Field<Integer> ROUTING_ID = column(ROUTING, "routing_id", SQLDataType.INTEGER);
  static final Field<String> ROUTING_PHASE = column(ROUTING, "phase", SQLDataType.VARCHAR(32));
  static final Field<Integer> ROUTING_HIERARCHICAL = column(ROUTING, "hierarchical_percent", SQLDataType.INTEGER);
  static final Field<Boolean> ROUTING_MIRRORED = column(ROUTING, "mirrored", SQLDataType.BOOLEAN);
  static final Field<LocalDateTime> ROUTING_UPDATED = column(ROUTING, "updated_at", SQLDataType.LOCALDATETIME);
  /** Set by {@code rollout abort}: the running rollout step goes back to the previous phase at its next look. */
  static final Field<String> ROUTING_ABORT = column(ROUTING, "abort_requested_by", SQLDataType.VARCHAR(255));

  /** Since V7: HAL9's feature flags. */
  static final Table<Record> FLAGS = table(unquotedName("hal9_flags"));
  static final Field<String> FLAG_NAME = column(FLAGS, "flag_name", SQLDataType.VARCHAR(100));
  static final Field<Boolean> FLAG_ENABLED = column(FLAGS, "enabled", SQLDataType.BOOLEAN);
  static final Field<Integer> FLAG_PERCENTAGE = column(FLAGS, "percentage", SQLDataType.INTEGER);
  static final Field<LocalDateTime> FLAG_UPDATED = column(FLAGS, "updated_at", SQLDataType.LOCALDATETIME);

  /** Since V7: every change of the routing or a flag: who changed what, when, in which run and step, and why. */
  static final Table<Record> ROUTING_HISTORY = table(unquotedName("hal9_routing_history"));
  static final Field<Long> CHANGE_ID = column(ROUTING_HISTORY, "change_id", SQLDataType.BIGINT);
  static final Field<LocalDateTime> CHANGE_AT = column(ROUTING_HISTORY, "changed_at", SQLDataType.LOCALDATETIME);
  /** {@code phase}, {@code traffic}, or {@code flag NAME}. */
  static final Field<String> CHANGE_SUBJECT = column(ROUTING_HISTORY, "subject", SQLDataType.VARCHAR(120));
  static final Field<String> CHANGE_FROM = column(ROUTING_HISTORY, "old_value", SQLDataType.VARCHAR(100));
  static final Field<String> CHANGE_TO = column(ROUTING_HISTORY, "new_value", SQLDataType.VARCHAR(100));
  static final Field<String> CHANGE_BY = column(ROUTING_HISTORY, "changed_by", SQLDataType.VARCHAR(255));
  static final Field<String> CHANGE_RUN = column(ROUTING_HISTORY, "run_id", SQLDataType.VARCHAR(64));
  static final Field<String> CHANGE_STEP = column(ROUTING_HISTORY, "step_id", SQLDataType.VARCHAR(EngineSchema.STEP_ID_LENGTH));
  static final Field<String> CHANGE_REASON = column(ROUTING_HISTORY, "reason", SQLDataType.VARCHAR(1000));

  /**
   * Since V8: a partitioned step's key ranges, (lower_key, upper_key] as typed JSON keys (null: open), each worked by
   * one owner at a time with a cursor of its own; the epoch rises at each claim and fences the owner's commits.
   */
  static final Table<Record> PARTITIONS = table(unquotedName("hal9_partitions"));
  static final Field<String> PART_STEP = column(PARTITIONS, "step_id", SQLDataType.VARCHAR(EngineSchema.STEP_ID_LENGTH));
  static final Field<Integer> PART_NO = column(PARTITIONS, "partition_no", SQLDataType.INTEGER);
  /** {@code apply} or {@code undo}: a rollback splits the step's snapshots anew. */
  static final Field<String> PART_DIRECTION = column(PARTITIONS, "direction", SQLDataType.VARCHAR(8));
  static final Field<String> PART_LOWER = column(PARTITIONS, "lower_key", SQLDataType.VARCHAR);
  static final Field<String> PART_UPPER = column(PARTITIONS, "upper_key", SQLDataType.VARCHAR);
  static final Field<String> PART_STATE = column(PARTITIONS, "state", SQLDataType.VARCHAR(16));
  static final Field<String> PART_CURSOR = column(PARTITIONS, "cursor_value", SQLDataType.VARCHAR);
  static final Field<Long> PART_ROWS = column(PARTITIONS, "rows_done", SQLDataType.BIGINT);
  static final Field<Long> PART_EXPECTED = column(PARTITIONS, "rows_expected", SQLDataType.BIGINT);
  static final Field<String> PART_COUNTERS = column(PARTITIONS, "counters", SQLDataType.VARCHAR);
  static final Field<Long> PART_EPOCH = column(PARTITIONS, "epoch", SQLDataType.BIGINT);
  static final Field<String> PART_RUN = column(PARTITIONS, "owner_run", SQLDataType.VARCHAR(64));
  static final Field<String> PART_HOST = column(PARTITIONS, "owner_host", SQLDataType.VARCHAR(255));
  static final Field<Long> PART_PID = column(PARTITIONS, "owner_pid", SQLDataType.BIGINT);
  static final Field<LocalDateTime> PART_LEASE_UNTIL = column(PARTITIONS, "lease_until", SQLDataType.LOCALDATETIME);
  static final Field<LocalDateTime> PART_HEARTBEAT = column(PARTITIONS, "heartbeat_at", SQLDataType.LOCALDATETIME);
  static final Field<Integer> PART_CLAIMS = column(PARTITIONS, "claims", SQLDataType.INTEGER);
  static final Field<LocalDateTime> PART_UPDATED = column(PARTITIONS, "updated_at", SQLDataType.LOCALDATETIME);
  static final Field<LocalDateTime> PART_FINISHED = column(PARTITIONS, "finished_at", SQLDataType.LOCALDATETIME);

  /** Selected explicitly: records from a metadata-derived asterisk do not resolve these fields by name. */
  static final List<Field<?>> LOCK_COLUMNS =
      List.of(LOCK_ID, LOCK_EPOCH, LOCK_RUN, LOCK_HOST, LOCK_PID, LOCK_SINCE, LOCK_HEARTBEAT, LOCK_LEASE_UNTIL);
  static final List<Field<?>> STEP_COLUMNS = List.of(STEP_ID, STEP_VERSION, STEP_TYPE, STEP_CHECKSUM, STEP_STATE,
      STEP_CURSOR, STEP_ROWS, STEP_COUNTERS, STEP_UNDO, STEP_ATTEMPTS, STEP_ERROR, STEP_RUN, STEP_STARTED, STEP_UPDATED, STEP_FINISHED, STEP_EXPECTED, STEP_HELD);
  static final List<Field<?>> PARTITION_COLUMNS = List.of(PART_STEP, PART_NO, PART_DIRECTION, PART_LOWER, PART_UPPER,
      PART_STATE, PART_CURSOR, PART_ROWS, PART_EXPECTED, PART_COUNTERS, PART_EPOCH, PART_RUN, PART_HOST, PART_PID,
      PART_LEASE_UNTIL, PART_HEARTBEAT, PART_CLAIMS, PART_UPDATED, PART_FINISHED);
  static final List<Field<?>> EVENT_COLUMNS =
      List.of(EVENT_ID, EVENT_AT, EVENT_RUN, EVENT_VERSION, EVENT_STEP, EVENT_TYPE, EVENT_SEVERITY, EVENT_MESSAGE);
  static final List<Field<?>> HISTORY_COLUMNS = List.of(HISTORY_RANK, HISTORY_VERSION, HISTORY_DESCRIPTION,
      HISTORY_SCRIPT, HISTORY_ACTION, HISTORY_CHECKSUM, HISTORY_RUN, HISTORY_BY, HISTORY_ON, HISTORY_MILLIS);

  /** Qualified with its table: H2's MERGE emulation fails on ambiguous unqualified columns (DEPENDENCIES.md, trap 4). */
  private static <T> Field<T> column(Table<?> table, String name, org.jooq.DataType<T> type) {
    return field(unquotedName(table.getName(), name), type);
  }
}
