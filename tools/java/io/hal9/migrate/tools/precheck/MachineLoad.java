package io.hal9.migrate.tools.precheck;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU and memory of the machine precheck runs on, for when no Prometheus tells about HAL9's pods: the one-minute
 * load average per core (the JDK reads {@code /proc/loadavg}) and the share of memory not available to new work.
 */
final class MachineLoad {
  private static final Path MEMINFO = Path.of("/proc/meminfo");

  private final OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);

  Readiness cpu(double limit) {
    double load = os.getSystemLoadAverage();
    int cores = os.getAvailableProcessors();
    String per = " / " + cores + (cores == 1 ? " core" : " cores");
    if (load < 0) {
      return Readiness.unmeasured("cpu", limit, "this machine: 1-minute load average" + per,
          "no data (the load average is not available on this system)");
    }
    return Readiness.below("cpu", load / cores, limit, "this machine: 1-minute load average " + Readiness.share(load) + per,
        Readiness::share);
  }

  /**
   * Linux's MemAvailable counts the page cache as free, as it is; the JDK's free memory (MemFree) does not, and on
   * a machine that has read its disks would show memory nearly full.
   */
  Readiness memory(double limit) {
    if (Files.isReadable(MEMINFO)) {
      try {
        List<String> lines = Files.readAllLines(MEMINFO);
        long total = kilobytes(lines, "MemTotal:");
        long available = kilobytes(lines, "MemAvailable:");
        if (total > 0 && available >= 0) {
          return Readiness.below("memory", 1 - (double) available / total, limit, "this machine: /proc/meminfo (1 - MemAvailable"
              + " / MemTotal)", Readiness::share);
        }
      } catch (IOException e) {
        // the JDK's figures below
      }
    }
    long total = os.getTotalMemorySize();
    return Readiness.below("memory", 1 - (double) os.getFreeMemorySize() / total, limit,
        "this machine: free memory over total (JDK)", Readiness::share);
  }

  private static long kilobytes(List<String> meminfo, String field) {
    return meminfo.stream().filter(line -> line.startsWith(field))
        .mapToLong(line -> Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]))
        .findFirst().orElse(-1);
  }
}
