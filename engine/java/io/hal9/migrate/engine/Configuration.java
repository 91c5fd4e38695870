package io.hal9.migrate.engine;

import io.hal9.migrate.engine.plan.Plan;
import io.hal9.migrate.engine.plan.PlanLoader;
import io.hal9.migrate.engine.spi.StepType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;

/**
 * How to run: the database, the plan directory and the knobs. Built fluently from
 * {@link Hal9Migrate#configure()}; {@link #load()} validates the plan before it connects to anything.
 */
public final class Configuration {
  private DataSource dataSource;
  private String url;
  private String user;
  private String password;
  private Path plans = Path.of("plans/demo");
  private String target;
  private ProgressListener progress = ProgressListener.NONE;
  private Duration lease = Duration.ofSeconds(30);
  private Duration lockWait = Duration.ZERO;
  private ClassLoader classLoader = Configuration.class.getClassLoader();

  Configuration() {}

  /** The target database. The caller keeps ownership: {@link Hal9Migrate#close()} leaves it open. */
  public Configuration dataSource(DataSource dataSource) {
    this.dataSource = dataSource;
    return this;
  }

  /** The target database by JDBC URL; the engine pools its own connections and closes them. */
  public Configuration url(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
    return this;
  }

  public Configuration plans(Path plans) {
    this.plans = plans;
    return this;
  }

  /** Stop after this version (inclusive); null runs every version. */
  public Configuration target(String target) {
    this.target = target;
    return this;
  }

  public Configuration progress(ProgressListener progress) {
    this.progress = progress == null ? ProgressListener.NONE : progress;
    return this;
  }

  /** How long the run lock stays ours without a heartbeat (renewed every third of it). */
  public Configuration lease(Duration lease) {
    this.lease = lease;
    return this;
  }

  /** How long to wait for a live runner to release the lock before failing with LOCKED. */
  public Configuration lockWait(Duration lockWait) {
    this.lockWait = lockWait;
    return this;
  }

  /** Where step types ({@code META-INF/services}) and their classes are found. */
  public Configuration classLoader(ClassLoader classLoader) {
    this.classLoader = classLoader;
    return this;
  }

  /**
   * Validates the plan (nothing touches the database before it passes), then connects.
   *
   * @throws Hal9MigrateException PLAN_INVALID, BAD_URL or DB_UNREACHABLE
   */
  public Hal9Migrate load() {
    Map<String, StepType> types = StepTypes.load(classLoader);
    Plan plan = new PlanLoader(types).load(plans);
    if (dataSource != null) {
      return new Hal9Migrate(this, plan, types, dataSource, false);
    }
    if (url == null) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "no database: give a DataSource or a JDBC URL");
    }
    H2Startup startup = H2Startup.acquire(url);
    try {
      return new Hal9Migrate(this, plan, types, DataSources.pooled(url, user, password), true, startup);
    } catch (RuntimeException e) {
      startup.close();
      throw e;
    }
  }

  String target() {
    return target;
  }

  ProgressListener progress() {
    return progress;
  }

  Duration lease() {
    return lease;
  }

  Duration lockWait() {
    return lockWait;
  }

  ClassLoader classLoader() {
    return classLoader;
  }

  String password() {
    return password;
  }
}
