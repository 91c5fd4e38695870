package io.hal9.migrate.tools.health;

import io.hal9.migrate.engine.api.Hal9MigrateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

/** Connects and makes one round trip ({@code SELECT 1}); the round trip is held to {@code max-latency-ms}. */
final class DatabaseCheck implements HealthCheck {
  private final double maxLatencyMillis;

  DatabaseCheck(CheckEntry entry) {
    maxLatencyMillis = entry.number("max-latency-ms", 100, 0.001, 3_600_000, "milliseconds");
  }

  @Override
  public String kind() {
    return "database";
  }

  @Override
  public CheckResult run(HealthTarget target) {
    Map<String, Object> limits = Measures.of("maxLatencyMs", maxLatencyMillis);
    long start = System.nanoTime();
    try (Connection connection = target.dataSource().getConnection()) {
      long connected = System.nanoTime();
      try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
        rows.next();
      }
      long roundTrip = System.nanoTime() - connected;
      double latency = Measures.millis(roundTrip);
      Map<String, Object> measured = Measures.of("connectMs", Measures.millis(connected - start), "latencyMs", latency,
          "product", connection.getMetaData().getDatabaseProductName());
      boolean slow = latency > maxLatencyMillis;
      String message = "round trip " + latency + " ms " + (slow ? "> max " : "<= max ") + Measures.format(maxLatencyMillis) + " ms";
      return new CheckResult(kind(), "", slow ? CheckStatus.FAILED : CheckStatus.OK, message, measured, limits);
    } catch (Hal9MigrateException e) {
      return new CheckResult(kind(), "", CheckStatus.FAILED, e.getMessage(), Measures.of(), limits); // names the URL
    } catch (Exception e) {
      return new CheckResult(kind(), "", CheckStatus.FAILED, "cannot connect: " + Hal9MigrateException.oneLine(e.getMessage()),
          Measures.of(), limits);
    }
  }
}
