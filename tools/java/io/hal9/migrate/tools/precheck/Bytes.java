package io.hal9.migrate.tools.precheck;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as HAL9's runbooks write them: {@code 100GB} (decimal units, as disks are sold) or {@code 93GiB}. */
public final class Bytes {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGTP]i?)?B?", Pattern.CASE_INSENSITIVE);
  private static final Map<String, Double> UNITS = Map.of("K", 1e3, "M", 1e6, "G", 1e9, "T", 1e12, "P", 1e15,
      "KI", 0x1p10, "MI", 0x1p20, "GI", 0x1p30, "TI", 0x1p40, "PI", 0x1p50);
  private static final String[] SHOWN = {"B", "KB", "MB", "GB", "TB", "PB"};

  private Bytes() {}

  /** @throws IllegalArgumentException for anything but a number with an optional unit */
  public static long parse(String text) {
    Matcher size = SIZE.matcher(text.trim());
    if (!size.matches()) {
      throw new IllegalArgumentException("expected a size such as 100GB, 512MiB or 1000000 (bytes), got '" + text + "'");
    }
    String unit = size.group(2) == null ? null : size.group(2).toUpperCase(Locale.ROOT);
    double bytes = Double.parseDouble(size.group(1)) * (unit == null ? 1 : UNITS.get(unit));
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("size '" + text + "' is too large");
    }
    return (long) bytes;
  }

  /** {@code 78.1 GB}: decimal units, one decimal. */
  public static String format(double bytes) {
    int unit = 0;
    while (unit < SHOWN.length - 1 && bytes >= 1000) {
      bytes /= 1000;
      unit++;
    }
    return io.hal9.migrate.engine.spi.Param.text(Math.round(bytes * 10) / 10.0) + " " + SHOWN[unit];
  }
}
