package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** An amount of CPU (cores) and memory (bytes): what pods request and what nodes can still hold. */
public record CpuMemory(BigDecimal cpu, BigDecimal memoryBytes) {
  public static final CpuMemory ZERO = new CpuMemory(BigDecimal.ZERO, BigDecimal.ZERO);
  private static final BigDecimal GI = BigDecimal.valueOf(1L << 30);
  private static final BigDecimal MI = BigDecimal.valueOf(1L << 20);

  /** The cpu and memory entries of a Kubernetes resource list (requests, allocatable), absent ones as zero. */
  public static CpuMemory of(Map<String, Quantity> resources) {
    if (resources == null) {
      return ZERO;
    }
    return new CpuMemory(amount(resources.get("cpu")), amount(resources.get("memory")));
  }

  private static BigDecimal amount(Quantity quantity) {
    return quantity == null ? BigDecimal.ZERO : quantity.getNumericalAmount();
  }

  public CpuMemory plus(CpuMemory other) {
    return new CpuMemory(cpu.add(other.cpu), memoryBytes.add(other.memoryBytes));
  }

  public CpuMemory minus(CpuMemory other) {
    return new CpuMemory(cpu.subtract(other.cpu), memoryBytes.subtract(other.memoryBytes));
  }

  public CpuMemory times(long count) {
    BigDecimal n = BigDecimal.valueOf(count);
    return new CpuMemory(cpu.multiply(n), memoryBytes.multiply(n));
  }

  /** Each resource no less than in {@code other} (the larger of the two, per resource). */
  public CpuMemory max(CpuMemory other) {
    return new CpuMemory(cpu.max(other.cpu), memoryBytes.max(other.memoryBytes));
  }

  /** Negative amounts (a resource that shrinks) as zero. */
  public CpuMemory positive() {
    return max(ZERO);
  }

  public boolean isZero() {
    return cpu.signum() == 0 && memoryBytes.signum() == 0;
  }

  /** Whether this fits in {@code free}, resource by resource. */
  public boolean fitsIn(CpuMemory free) {
    return cpu.compareTo(free.cpu) <= 0 && memoryBytes.compareTo(free.memoryBytes) <= 0;
  }

  /** {@code 4.5 CPU / 9Gi}. */
  @Override
  public String toString() {
    return cpuText() + " / " + memoryText();
  }

  String cpuText() {
    return plain(cpu.setScale(3, RoundingMode.HALF_UP)) + " CPU";
  }

  String memoryText() {
    return memory(memoryBytes);
  }

  static String memory(BigDecimal bytes) {
    if (bytes.abs().compareTo(GI) >= 0) {
      return plain(bytes.divide(GI, 2, RoundingMode.HALF_UP)) + "Gi";
    }
    if (bytes.abs().compareTo(MI) >= 0) {
      return plain(bytes.divide(MI, 1, RoundingMode.HALF_UP)) + "Mi";
    }
    return plain(bytes) + "B";
  }

  private static String plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
  }
}
