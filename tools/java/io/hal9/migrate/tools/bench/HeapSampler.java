package io.hal9.migrate.tools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The most heap in use while a phase runs, sampled every 10 ms (after a GC at the start). */
final class HeapSampler implements AutoCloseable {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private final AtomicLong peak = new AtomicLong();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "hal9-heap-sampler");
    t.setDaemon(true);
    return t;
  });

  HeapSampler() {
    System.gc();
    sample();
    sampler.scheduleAtFixedRate(this::sample, 10, 10, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    peak.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
  }

  long peakBytes() {
    sample();
    return peak.get();
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
