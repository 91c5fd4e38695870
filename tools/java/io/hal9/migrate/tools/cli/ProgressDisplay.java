package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.ProgressListener;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows a long step's progress: a bar with rows/s and ETA on a terminal, otherwise a log line (rows, rows/s,
 * ETA) every {@code interval}, so a pipeline's log still says how far a migration got.
 */
final class ProgressDisplay implements ProgressListener {
  private static final Logger log = LoggerFactory.getLogger("hal9-migrate.progress");

  private final boolean terminal;
  private final Duration interval;
  private ProgressBar bar;
  private long stepStartNanos;
  private long rowsAtStart;
  private long lastLogNanos;
  /** Why the step holds back (paused, throttled), or null. */
  private volatile String held;

  ProgressDisplay(boolean terminal, Duration interval) {
    this.terminal = terminal;
    this.interval = interval;
  }

  @Override
  public void stepStarted(StepInfo step, long rowsDone) {
    stepStartNanos = System.nanoTime();
    held = null;
    lastLogNanos = stepStartNanos;
    rowsAtStart = rowsDone;
  }

  @Override
  public void batchCommitted(StepInfo step, long rowsDone, long total) {
    if (terminal && total > 0) {
      if (bar == null) {
        bar = new ProgressBarBuilder()
            .setTaskName(step.id())
            .setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII)
            .setUnit(" rows", 1)
            .showSpeed()
            .startsFrom(rowsAtStart, Duration.ZERO)
            .build();
      }
      bar.stepTo(rowsDone);
      return;
    }
    long now = System.nanoTime();
    if (now - lastLogNanos >= interval.toNanos()) {
      lastLogNanos = now;
      log.info(line(step, rowsDone, total, now));
    }
  }

  @Override
  public void held(StepInfo step, String reason) {
    held = reason;
    if (bar != null) {
      bar.setExtraMessage(reason == null ? "" : " held back: " + reason);
    } else {
      log.info("{}: {}", step.id(), reason == null ? "goes on" : "held back: " + reason);
    }
  }

  @Override
  public void stepFinished(StepInfo step, Ending ending, long rowsDone, Duration elapsed) {
    if (bar != null) {
      bar.stepTo(rowsDone);
      bar.close();
      bar = null;
    }
  }

  private String line(StepInfo step, long rowsDone, long total, long now) {
    double seconds = Math.max(1e-3, (now - stepStartNanos) / 1e9);
    double rate = (rowsDone - rowsAtStart) / seconds;
    StringBuilder text = new StringBuilder().append(step.id()).append(": ").append(rowsDone);
    if (total > 0) {
      text.append('/').append(total).append(String.format(Locale.ROOT, " rows (%.1f%%)", 100.0 * rowsDone / total));
    } else {
      text.append(" rows");
    }
    text.append(String.format(Locale.ROOT, ", %.0f rows/s", rate));
    if (total > 0 && rate > 0) {
      text.append(", ETA ").append(Math.round((total - rowsDone) / rate)).append(" s");
    }
    String reason = held;
    if (reason != null) {
      text.append(", held back: ").append(reason);
    }
    return text.toString();
  }
}
