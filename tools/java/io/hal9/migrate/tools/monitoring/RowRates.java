package io.hal9.migrate.tools.monitoring;

import io.hal9.migrate.engine.api.Status;
import io.hal9.migrate.engine.api.StepState;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows/s of each running step, from the rows of one status reading to the next (by the database's clock), and the
 * last {@value #HISTORY} rates of each step for a chart.
 */
final class RowRates {
  static final int HISTORY = 150;
  /** Readings closer than this (two viewers polling together) would give rates of noise; the later one is skipped. */
  private static final Duration MIN_SPACING = Duration.ofMillis(500);

  /** A step's rows at a time. */
  private record Reading(LocalDateTime at, long rows) {}

  record Rate(LocalDateTime at, double rowsPerSecond) {}

  private final Map<String, Reading> last = new HashMap<>();
  private final Map<String, Deque<Rate>> history = new LinkedHashMap<>();

  /** Takes the rows of every running or paused step; any other step starts again from its next reading. */
  synchronized void record(Status status) {
    if (status.at() == null) {
      return;
    }
    status.versions().forEach(version -> version.steps().forEach(step -> {
      if (step.state() != StepState.RUNNING && step.state() != StepState.PAUSED) {
        last.remove(step.id());
        return;
      }
      Reading now = new Reading(status.at(), step.rows());
      Reading before = last.get(step.id());
      if (before != null && Duration.between(before.at(), now.at()).compareTo(MIN_SPACING) < 0) {
        return;
      }
      last.put(step.id(), now);
      if (before != null && now.rows() >= before.rows()) {
        double seconds = Duration.between(before.at(), now.at()).toMillis() / 1000.0;
        Deque<Rate> rates = history.computeIfAbsent(step.id(), id -> new ArrayDeque<>());
        rates.addLast(new Rate(now.at(), (now.rows() - before.rows()) / seconds));
        if (rates.size() > HISTORY) {
          rates.removeFirst();
        }
      }
    }));
  }

  /** The step's latest rate, or null before two readings of it running. */
  synchronized Double rowsPerSecond(Status.StepStatus step) {
    Deque<Rate> rates = history.get(step.id());
    return rates == null || !last.containsKey(step.id()) ? null : rates.getLast().rowsPerSecond();
  }

  /** Seconds until the step has its expected rows at its latest rate, or null when that is unknown (or no progress). */
  Long etaSeconds(Status.StepStatus step) {
    Double rate = rowsPerSecond(step);
    return rate == null || rate <= 0 || step.expected() < 0 ? null
        : Math.round(Math.max(0, step.expected() - step.rows()) / rate);
  }

  /** Every step's rates, oldest first. */
  synchronized Map<String, List<Rate>> history() {
    Map<String, List<Rate>> copy = new LinkedHashMap<>();
    history.forEach((step, rates) -> copy.put(step, List.copyOf(rates)));
    return copy;
  }
}
