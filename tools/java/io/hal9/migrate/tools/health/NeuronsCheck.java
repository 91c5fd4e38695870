package io.hal9.migrate.tools.health;

import static org.jooq.impl.DSL.count;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.spi.tables.Catalog;
import io.hal9.migrate.engine.spi.tables.Column;
import io.hal9.migrate.engine.spi.tables.Keyset;
import io.hal9.migrate.engine.spi.tables.RowKey;
import io.hal9.migrate.engine.spi.tables.UserTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.Record;
import org.jooq.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The neuron table in one pass: neurons per layer, states that are not a JSON object or lack a required field
 * (dotted paths), and a probe of sampled neurons (read by key and parse) whose p99 must stay under
 * {@code max-latency-ms}: HAL9's "every neuron answers in under 10 ms".
 */
final class NeuronsCheck implements HealthCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 2000;
  private static final int SHOWN = 5;
  private static final int WARM_UP = 10;
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(NeuronsCheck.class);
  /** Neurons whose layer is null, counted under this name (a JSON key cannot be null). */
  private static final String NO_LAYER = "(none)";

  private final String tableName;
  private final List<String> keyColumns;
  private final String layerColumn;
  private final String stateColumn;
  private final List<String> required;
  private final int sample;
  private final double maxLatencyMillis;
  private final int maxInvalid;

  NeuronsCheck(CheckEntry entry) {
    tableName = entry.string("table", "neurons");
    List<String> keys = entry.strings("id-column", false);
    keyColumns = keys.isEmpty() ? List.of("id") : keys;
    layerColumn = entry.string("layer-column", "layer");
    stateColumn = entry.string("state-column", "state");
    required = entry.strings("required", false);
    sample = entry.integer("sample", 100, 1, 100_000, "neurons");
    maxLatencyMillis = entry.number("max-latency-ms", 10, 0.001, 60_000, "milliseconds");
    maxInvalid = entry.integer("max-invalid", 0, 0, Integer.MAX_VALUE, "rows");
  }

  @Override
  public String kind() {
    return "neurons";
  }

  @Override
  public CheckResult run(HealthTarget target) {
    Map<String, Object> limits = Measures.of("maxLatencyMs", maxLatencyMillis, "maxInvalid", maxInvalid, "required", required);
    try {
      DSLContext dsl = target.dsl();
      Table table = table(dsl);
      Field<String> layer = table.layer();
      Map<String, Long> layers = new LinkedHashMap<>();
      for (Record2<String, Integer> row : dsl.select(layer, count()).from(table.user().table()).groupBy(layer).orderBy(layer).fetch()) {
        layers.put(row.value1() == null ? NO_LAYER : row.value1(), row.value2().longValue());
      }
      Scan scan = scan(dsl, table, layers.values().stream().mapToLong(Long::longValue).sum());
      double[] probes = probe(dsl, table, scan.sampled);
      double p50 = percentile(probes, 50);
      double p99 = percentile(probes, 99);
      Map<String, Object> measured = Measures.of("neurons", scan.total, "layers", layers, "invalid", scan.invalid,
          "invalidExamples", scan.examples, "probes", probes.length, "p50Ms", p50, "p99Ms", p99,
          "maxMs", probes.length == 0 ? 0.0 : probes[probes.length - 1]);
      List<String> problems = new ArrayList<>();
      if (scan.invalid > maxInvalid) {
        problems.add(scan.invalid + " invalid state" + (scan.invalid == 1 ? "" : "s") + " > max " + maxInvalid + " ("
            + String.join("; ", scan.examples) + ")");
      }
      if (p99 > maxLatencyMillis) {
        problems.add("probe p99 " + p99 + " ms > max " + Measures.format(maxLatencyMillis) + " ms");
      }
      String summary = String.format(java.util.Locale.ROOT, "%,d neurons on %d layer%s, %d invalid; probe p99 %s ms over %d",
          scan.total, layers.size(), layers.size() == 1 ? "" : "s", scan.invalid, p99, probes.length);
      if (!problems.isEmpty()) {
        return new CheckResult(kind(), tableName, CheckStatus.FAILED, String.join("; ", problems), measured, limits);
      }
      CheckStatus status = scan.total == 0 ? CheckStatus.WARNING : CheckStatus.OK;
      return new CheckResult(kind(), tableName, status, scan.total == 0 ? "no neurons in " + tableName : summary, measured, limits);
    } catch (RuntimeException e) {
      return new CheckResult(kind(), tableName, CheckStatus.FAILED, "cannot read " + tableName + ": "
          + Hal9MigrateException.oneLine(e.getMessage()), Measures.of(), limits);
    }
  }

  private static final class Scan {
    long total;
    long invalid;
    final List<String> examples = new ArrayList<>();
    final List<RowKey> sampled = new ArrayList<>();
  }

  /** The checked table, resolved in the database: its key (any unique, orderable columns), layer and state. */
  private record Table(UserTable user, Keyset keys, Field<String> layer, Field<String> state) {}

  private Table table(DSLContext dsl) {
    UserTable user = Catalog.of(dsl).table(tableName)
        .orElseThrow(() -> new IllegalStateException("table " + tableName + " does not exist"));
    List<Column> key = new ArrayList<>();
    for (String name : keyColumns) {
      key.add(column(user, name));
    }
    if (!user.unique(key) || !key.stream().allMatch(c -> c.type().orderable())) {
      throw new IllegalStateException(keyColumns + " is not a unique, orderable key of " + tableName);
    }
    return new Table(user, Keyset.of(user, key, keyColumns), user.text(column(user, layerColumn)),
        user.text(column(user, stateColumn)));
  }

  private static Column column(UserTable user, String name) {
    return user.column(name).orElseThrow(() -> new IllegalStateException(user.missing(name)));
  }

  /**
   * Every row by key (keyset pages), validating each state and keeping a uniform sample of keys (reservoir). A
   * long scan logs its progress every {@link #PROGRESS_EVERY}.
   */
  private Scan scan(DSLContext dsl, Table table, long expected) {
    Scan scan = new Scan();
    Random random = new Random(42);
    RowKey last = null;
    long started = System.nanoTime();
    long nextReport = started + PROGRESS_EVERY.toNanos();
    while (true) {
      long now = System.nanoTime();
      if (now > nextReport) {
        double rate = scan.total / ((now - started) / 1e9);
        log.info("health neurons {}: {} of {} rows read, {} rows/s, ETA {} s", tableName, scan.total, expected,
            Math.round(rate), Math.round(Math.max(0, expected - scan.total) / Math.max(rate, 1)));
        nextReport = now + PROGRESS_EVERY.toNanos();
      }
      List<Field<?>> fields = new ArrayList<>(table.keys().fields());
      fields.add(table.state());
      var page = dsl.select(fields).from(table.user().table()).where(table.keys().after(last))
          .orderBy(table.keys().ascending()).limit(PAGE).fetch();
      for (Record row : page) {
        scan.total++;
        RowKey key = table.keys().of(row);
        String problem = problem(row.get(table.state()));
        if (problem != null) {
          scan.invalid++;
          if (scan.examples.size() < SHOWN) {
            scan.examples.add(table.keys().describe(key) + ": " + problem);
          }
        }
        if (scan.sampled.size() < sample) {
          scan.sampled.add(key);
        } else {
          long slot = (long) (random.nextDouble() * scan.total);
          if (slot < sample) {
            scan.sampled.set((int) slot, key);
          }
        }
      }
      if (page.size() < PAGE) {
        return scan;
      }
      last = table.keys().of(page.get(page.size() - 1));
    }
  }

  /** Why a state is not a valid neuron state, or null. */
  private String problem(String text) {
    JsonNode document;
    try {
      document = text == null ? null : JSON.readTree(text);
    } catch (java.io.IOException e) {
      return "not valid JSON";
    }
    if (document == null || !document.isObject()) {
      return "not a JSON object";
    }
    List<String> missing = new ArrayList<>();
    for (String path : required) {
      if (document.at("/" + path.replace("~", "~0").replace("/", "~1").replace('.', '/')).isMissingNode()) {
        missing.add(path);
      }
    }
    return missing.isEmpty() ? null : "lacks " + String.join(", ", missing);
  }

  /**
   * Reads and parses each sampled neuron by key on one connection; the times in ms, sorted. A few probes run
   * first, uncounted, so that class loading and the first statement's preparation are not taken for latency.
   */
  private double[] probe(DSLContext dsl, Table table, List<RowKey> keys) {
    return dsl.connectionResult(connection -> {
      DSLContext probe = org.jooq.impl.DSL.using(connection, dsl.dialect(), dsl.settings());
      for (int i = 0; i < Math.min(WARM_UP, keys.size()); i++) {
        problem(probe.select(table.state()).from(table.user().table()).where(table.keys().is(keys.get(i))).fetchOne(table.state()));
      }
      double[] millis = new double[keys.size()];
      for (int i = 0; i < keys.size(); i++) {
        long start = System.nanoTime();
        problem(probe.select(table.state()).from(table.user().table()).where(table.keys().is(keys.get(i))).fetchOne(table.state()));
        millis[i] = Measures.millis(System.nanoTime() - start);
      }
      Arrays.sort(millis);
      return millis;
    });
  }

  /** Nearest rank: the smallest value with at least p% of the values at or below it. */
  private static double percentile(double[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
