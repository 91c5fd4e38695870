package io.hal9.migrate.engine.internal.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan of many small versions costs a few statements a version, not a read of every checkpoint per version: the
 * engine reads its step table once per command, so a run, a no-op run and a validate read it as often over 60
 * versions as over 5 (before, a run read it once per version), and each applied sql version commits in one
 * transaction (before, three).
 */
class ManyVersionsTest {
  @TempDir Path dir;

  @OnBothDatabases
  void theStepTableIsReadOncePerCommandWhateverTheNumberOfVersions(TestDatabase db) throws Exception {
    Counted few = commands(db, "few", 5);
    Counted many = commands(db, "many", 60);

    assertThat(many.stepReads()).as("reads of hal9_steps: %s", many.reads).isEqualTo(few.stepReads());
    // The first run reads once, after taking the lock (a fresh database has no tables to read before); the second
    // also reads for its preflight, before the lock; validate once.
    assertThat(few.stepReads()).containsExactly(1, 2, 1);
    // One transaction more per version: its statements, its started mark, its checkpoint and its history line.
    assertThat(many.firstRunCommits - few.firstRunCommits).as("commits: %d for 5 versions, %d for 60", few.firstRunCommits, many.firstRunCommits).isEqualTo(60 - 5);
  }

  /** A run, a run with nothing to do and a validate of {@code versions} versions, from an empty database to an empty one. */
  private Counted commands(TestDatabase db, String name, int versions) throws Exception {
    Path plans = plan(name, versions);
    Counted counted = new Counted();
    DataSource source = counted.wrap(db.dataSource());
    dropEngineTables(db);
    for (int i = 0; i < 3; i++) {
      int before = counted.reads.size();
      try (Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(source).plans(plans).load()) {
        if (i < 2) {
          hal9.migrate();
        } else {
          hal9.validate();
        }
      }
      counted.perCommand.add((int) counted.reads.subList(before, counted.reads.size()).stream()
          .filter(sql -> sql.startsWith("select") && sql.contains("from hal9_steps")).count());
      if (i == 0) {
        counted.firstRunCommits = counted.commits.get();
      }
    }
    for (int v = 1; v <= versions; v++) {
      db.execute("DROP TABLE " + name + "_" + v);
    }
    return counted;
  }

  private static void dropEngineTables(TestDatabase db) throws Exception {
    for (String table : List.of("hal9_steps", "hal9_history", "hal9_runs", "hal9_lock", "hal9_snapshots", "hal9_rejects",
        "hal9_events", "hal9_routing", "hal9_flags", "hal9_routing_history", "hal9_partitions")) {
      db.execute("DROP TABLE IF EXISTS " + table);
    }
    db.execute(db.isPostgres() ? "DROP TABLE IF EXISTS hal9_schema_history" : "DROP TABLE IF EXISTS \"hal9_schema_history\"");
  }

  private Path plan(String name, int versions) {
    Plans plans = Plans.in(dir.resolve(name));
    for (int v = 1; v <= versions; v++) {
      plans.file("V" + v + "__t" + v + ".yaml", "steps:\n  - id: " + name + "-" + v + "\n    type: sql\n"
          + "    sql: CREATE TABLE " + name + "_" + v + " (id INT)\n");
    }
    return plans.path();
  }

  /** The SQL the engine prepares, through a DataSource that records it. */
  private static final class Counted {
    final List<String> reads = new CopyOnWriteArrayList<>();
    final List<Integer> perCommand = new CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
    int firstRunCommits;

    /** Reads of hal9_steps by: the first run, a run with nothing to do, a validate. */
    List<Integer> stepReads() {
      return perCommand;
    }

    DataSource wrap(DataSource target) {
      return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
          forward(target, (method, args, result) -> {
            if (method.getName().equals("getConnection")) {
              Connection connection = (Connection) result;
              return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                  forward(connection, (m, a, r) -> {
                    if (m.getName().equals("prepareStatement") && a != null && a[0] instanceof String sql) {
                      reads.add(sql.toLowerCase(Locale.ROOT).replace("\"", ""));
                    } else if (m.getName().equals("commit")) {
                      commits.incrementAndGet();
                    }
                    return r;
                  }));
            }
            return result;
          }));
    }

    interface After {
      Object apply(java.lang.reflect.Method method, Object[] args, Object result) throws Exception;
    }

    private static InvocationHandler forward(Object target, After after) {
      return (proxy, method, args) -> {
        try {
          return after.apply(method, args, method.invoke(target, args));
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      };
    }
  }
}
