package io.hal9.migrate.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of some processes, of the database's server processes serving them (when the database runs on this
 * machine) and of the whole machine (Linux's /proc/stat), sampled, so a benchmark can tell how many cores each kept
 * busy between two samples and how many went elsewhere. A process keeps the last time seen while it lived: one that
 * exits between samples loses at most a sampling interval.
 */
final class CpuTimes {
  private static final Path STAT = Path.of("/proc/stat");

  /** When, the CPU nanoseconds of each process and of each database process, the machine's busy and total ticks. */
  record Sample(long nanos, Map<Long, Long> processes, Map<Long, Long> database, long busyTicks, long totalTicks) {}

  /** The server processes (pids) serving the processes now. */
  @FunctionalInterface
  interface Backends {
    List<Long> pids() throws Exception;
  }

  private final List<ProcessHandle> processes;
  private final Backends backends;
  private final Map<Long, Long> last = new HashMap<>();
  private final Map<Long, Long> database = new HashMap<>();

  CpuTimes(List<ProcessHandle> processes, Backends backends) {
    this.processes = processes;
    this.backends = backends;
  }

  Sample sample() throws Exception {
    for (ProcessHandle p : processes) {
      p.info().totalCpuDuration().ifPresent(d -> last.put(p.pid(), d.toNanos()));
    }
    for (long pid : backends.pids()) {
      ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).ifPresent(d -> database.put(pid, d.toNanos()));
    }
    long[] machine = machine();
    return new Sample(System.nanoTime(), Map.copyOf(last), Map.copyOf(database), machine[0], machine[1]);
  }

  /**
   * Cores the database's processes kept busy from {@code start} to {@code end}, a backend first seen after
   * {@code start} from its birth (a new connection); -1 when none is a process of this machine (a remote server).
   */
  double databaseCores(Sample start, Sample end) {
    if (end.database().isEmpty()) {
      return -1;
    }
    long nanos = end.database().entrySet().stream().mapToLong(e -> e.getValue() - start.database().getOrDefault(e.getKey(), 0L)).sum();
    return nanos / (double) (end.nanos() - start.nanos());
  }

  /** Cores {@code pid} kept busy on average from {@code start} to {@code end}. */
  double cores(Sample start, Sample end, long pid) {
    return (end.processes().getOrDefault(pid, 0L) - start.processes().getOrDefault(pid, 0L)) / (double) (end.nanos() - start.nanos());
  }

  /** Cores the whole machine kept busy from {@code start} to {@code end}; -1 when the system does not tell. */
  double machineCores(Sample start, Sample end) {
    long total = end.totalTicks() - start.totalTicks();
    return start.totalTicks() < 0 || total <= 0 ? -1 : (end.busyTicks() - start.busyTicks()) * (double) cores() / total;
  }

  /** The machine's cores as /proc/stat counts them (they are what its ticks add up over), else the JVM's. */
  static int cores() {
    try {
      int n = (int) Files.readAllLines(STAT).stream().filter(l -> l.matches("cpu\\d+ .*")).count();
      return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    } catch (IOException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** Busy and total ticks of all cores: user, nice, system, idle, iowait, irq, softirq, steal (idle and iowait idle). */
  private static long[] machine() {
    try {
      String[] f = Files.readAllLines(STAT).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total - Long.parseLong(f[4]) - Long.parseLong(f[5]), total};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }
}
