package io.hal9.migrate.engine.api;

import io.hal9.migrate.engine.internal.command.Engine;
import io.hal9.migrate.engine.internal.command.Settings;
import io.hal9.migrate.engine.internal.database.H2Startup;
import io.hal9.migrate.engine.internal.metrics.MigrationMeters;
import io.hal9.migrate.engine.internal.plan.Plan;
import io.hal9.migrate.engine.internal.plan.PlanLoader;
import io.hal9.migrate.engine.internal.plan.StepTypes;
import io.hal9.migrate.engine.internal.plan.VersionNumber;
import io.hal9.migrate.engine.spi.StepType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * How to run: the database, the plan directory and the knobs, each checked as it is set. Built fluently from
 * {@link Hal9Migrate#configure()}; {@link #load()} validates the plan before it connects to anything.
 */
public final class Configuration {
  public static final Path DEFAULT_PLANS = Path.of("plans/demo");
  /** How long the run lock stays a runner's without a heartbeat; renewed every third of it. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  /** The lease is kept in whole seconds. */
  public static final Duration MIN_LEASE = Duration.ofSeconds(1);
  /** By default a run does not wait for another's lock: LOCKED at once. */
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ZERO;

  private DataSource dataSource;
  private String url;
  private String user;
  private String password;
  private Path plans = DEFAULT_PLANS;
  private VersionNumber target;
  private ProgressListener progress = ProgressListener.NONE;
  private Duration lease = DEFAULT_LEASE;
  private Duration lockWait = DEFAULT_LOCK_WAIT;
  private ClassLoader classLoader = Configuration.class.getClassLoader();
  private MeterRegistry metrics;
  private URI prometheus;

  Configuration() {}

  /** The target database. The caller keeps ownership: {@link Hal9Migrate#close()} leaves it open. */
  public Configuration dataSource(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    return this;
  }

  /** The target database by JDBC URL; the engine pools its own connections and closes them. */
  public Configuration url(String url, String user, String password) {
    this.url = Objects.requireNonNull(url, "url");
    this.user = user;
    this.password = password;
    return this;
  }

  public Configuration plans(Path plans) {
    this.plans = Objects.requireNonNull(plans, "plans");
    return this;
  }

  /**
   * Stop after this version (inclusive); null runs every version.
   *
   * @throws Hal9MigrateException USAGE when it is not a version
   */
  public Configuration target(String target) {
    this.target = target == null ? null : version(target);
    return this;
  }

  public Configuration progress(ProgressListener progress) {
    this.progress = progress == null ? ProgressListener.NONE : progress;
    return this;
  }

  /** @throws Hal9MigrateException USAGE when shorter than {@link #MIN_LEASE} */
  public Configuration lease(Duration lease) {
    if (lease == null || lease.compareTo(MIN_LEASE) < 0) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "lease " + lease + ": at least " + MIN_LEASE.toSeconds() + " second");
    }
    this.lease = lease;
    return this;
  }

  /** How long to wait for a live runner to release the lock before failing with LOCKED. */
  public Configuration lockWait(Duration lockWait) {
    if (lockWait == null || lockWait.isNegative()) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "lock wait " + lockWait + ": not a duration of zero or more");
    }
    this.lockWait = lockWait;
    return this;
  }

  /**
   * Where the engine's meters go (rows per step, batch commit latency, checkpoint age, step states, and the
   * {@code hal9_migration_*} series HAL9's dashboard reads), and the meters of the pool it opens for a URL.
   */
  public Configuration metrics(MeterRegistry metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    return this;
  }

  /** The Prometheus server (its base URL) that steps' {@code throttle-query} expressions are asked of. */
  public Configuration prometheus(URI prometheus) {
    this.prometheus = Objects.requireNonNull(prometheus, "prometheus");
    return this;
  }

  /** Where step types ({@code META-INF/services}) and their classes are found. */
  public Configuration classLoader(ClassLoader classLoader) {
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    return this;
  }

  /**
   * Validates the plan (nothing touches the database before it passes), then connects.
   *
   * @throws Hal9MigrateException PLAN_INVALID, USAGE (no database), BAD_URL or DB_UNREACHABLE
   */
  public Hal9Migrate load() {
    Map<String, StepType> types = StepTypes.load(classLoader);
    Plan plan = new PlanLoader(types).load(plans);
    Settings settings = new Settings(target, metrics == null ? progress : new MigrationMeters(metrics, progress), lease,
        lockWait, password, prometheus, metrics == null ? new CompositeMeterRegistry() : metrics);
    if (dataSource != null) {
      return new Hal9Migrate(Engine.open(settings, plan, types, dataSource, false, H2Startup.NONE));
    }
    if (url == null) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "no database: give a DataSource or a JDBC URL");
    }
    H2Startup startup = H2Startup.acquire(url);
    try {
      return new Hal9Migrate(Engine.open(settings, plan, types, DataSources.pooled(url, user, password, metrics), true, startup));
    } catch (RuntimeException e) {
      startup.close();
      throw e;
    }
  }

  /** @throws Hal9MigrateException USAGE when {@code text} is not a version */
  static VersionNumber version(String text) {
    if (text == null || !VersionNumber.isValid(text)) {
      throw new Hal9MigrateException(ErrorCode.USAGE, text + ": not a version (expected e.g. 2 or 1.1)");
    }
    return VersionNumber.parse(text);
  }
}
