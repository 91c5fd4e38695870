package io.hal9.migrate.engine.internal.plan;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.regex.Pattern;

/** A plan version such as 1, 1.1 or 10, compared part by part as numbers (1 < 1.1 < 2 < 10; 1.0 = 1). */
public final class VersionNumber implements Comparable<VersionNumber> {
  private static final Pattern SYNTAX = Pattern.compile("\\d+(\\.\\d+)*");

  private final String text;
  private final BigInteger[] parts;

  private VersionNumber(String text) {
    this.text = text;
    this.parts = Arrays.stream(text.split("\\.")).map(BigInteger::new).toArray(BigInteger[]::new);
  }

  public static boolean isValid(String text) {
    return text != null && SYNTAX.matcher(text).matches();
  }

  public static VersionNumber parse(String text) {
    if (!isValid(text)) {
      throw new IllegalArgumentException("not a version: '" + text + "' (expected digits separated by dots, e.g. 1.2)");
    }
    return new VersionNumber(text);
  }

  @Override
  public int compareTo(VersionNumber other) {
    int length = Math.max(parts.length, other.parts.length);
    for (int i = 0; i < length; i++) {
      BigInteger mine = i < parts.length ? parts[i] : BigInteger.ZERO;
      BigInteger theirs = i < other.parts.length ? other.parts[i] : BigInteger.ZERO;
      int c = mine.compareTo(theirs);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionNumber v && compareTo(v) == 0;
  }

  @Override
  public int hashCode() {
    int length = parts.length;
    while (length > 1 && parts[length - 1].signum() == 0) {
      length--;
    }
    return Arrays.hashCode(Arrays.copyOf(parts, length));
  }

  @Override
  public String toString() {
    return text;
  }
}
