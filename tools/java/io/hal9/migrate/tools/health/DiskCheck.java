package io.hal9.migrate.tools.health;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The used share of the filesystem holding {@code path}, read from the filesystem now (never from a status
 * file: HAL9's old script reported 92% on a disk 10% full). It is computed as {@code df} does: used blocks over
 * used plus those available to unprivileged users, so the root reserve counts as neither. {@code min-free-bytes}
 * holds the space available to unprivileged users to a floor as well (HAL9's readiness: 100 GB free).
 */
final class DiskCheck implements HealthCheck {
  private final Path path;
  private final double warnPercent;
  private final double maxPercent;
  private final double minFreeBytes;

  DiskCheck(CheckEntry entry) {
    path = entry.path("path", ".");
    maxPercent = entry.number("max-used-percent", 90, 0, 100, "a percentage");
    warnPercent = entry.number("warn-used-percent", Math.min(80, maxPercent), 0, 100, "a percentage");
    minFreeBytes = entry.number("min-free-bytes", 0, 0, Long.MAX_VALUE, "bytes");
    if (warnPercent > maxPercent) {
      entry.problem("warn-used-percent", "must not be above max-used-percent (" + Measures.format(warnPercent) + " > "
          + Measures.format(maxPercent) + ")");
    }
  }

  @Override
  public String kind() {
    return "disk";
  }

  @Override
  public CheckResult run(HealthTarget target) {
    Map<String, Object> limits = Measures.of("warnUsedPercent", warnPercent, "maxUsedPercent", maxPercent);
    if (minFreeBytes > 0) {
      limits.put("minFreeBytes", (long) minFreeBytes);
    }
    FileStore store;
    try {
      store = Files.getFileStore(path);
    } catch (IOException e) {
      return new CheckResult(kind(), path.toString(), CheckStatus.FAILED, "cannot read the filesystem: " + e, Measures.of(), limits);
    }
    try {
      long total = store.getTotalSpace();
      long used = total - store.getUnallocatedSpace();
      long available = store.getUsableSpace();
      double percent = used + available == 0 ? 0 : Measures.round(100.0 * used / (used + available), 1);
      Map<String, Object> measured = Measures.of("usedPercent", percent, "usedBytes", used, "availableBytes", available,
          "totalBytes", total, "filesystem", store.name(), "mount", mountOf(path));
      boolean tooLittleFree = available < minFreeBytes;
      CheckStatus status = percent > maxPercent || tooLittleFree ? CheckStatus.FAILED
          : percent > warnPercent ? CheckStatus.WARNING : CheckStatus.OK;
      String message = tooLittleFree ? String.format(java.util.Locale.ROOT, "%.1f GiB available < min %.1f GiB (used %s%%)",
          available / 1073741824.0, minFreeBytes / 1073741824.0, percent) : "used " + percent + "% " + switch (status) {
        case FAILED -> "> max " + Measures.format(maxPercent) + "%";
        case WARNING -> "> warn " + Measures.format(warnPercent) + "%";
        default -> "<= warn " + Measures.format(warnPercent) + "%";
      } + String.format(java.util.Locale.ROOT, " (%.1f GiB available of %.1f GiB)", available / 1073741824.0,
          total / 1073741824.0);
      return new CheckResult(kind(), path.toString(), status, message, measured, limits);
    } catch (IOException e) {
      return new CheckResult(kind(), path.toString(), CheckStatus.FAILED, "cannot read the filesystem: " + e, Measures.of(), limits);
    }
  }

  /** The mount point, found by walking up while the filesystem stays the same. */
  private static String mountOf(Path path) throws IOException {
    Path current = path.toAbsolutePath().normalize();
    FileStore store = Files.getFileStore(current);
    while (current.getParent() != null && Files.getFileStore(current.getParent()).equals(store)) {
      current = current.getParent();
    }
    return current.toString();
  }
}
