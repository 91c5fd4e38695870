package io.hal9.migrate.engine.internal.plan;

import io.hal9.migrate.engine.spi.StepDefinition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** One plan file: a version, its description (from the file name) and its steps in order. */
public record PlanVersion(VersionNumber version, String description, Path file, List<StepDefinition> steps) {

  public String script() {
    return file.getFileName().toString();
  }

  /** SHA-256 over the checksums of the version's steps, for the history. */
  public String checksum() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      steps.forEach(step -> sha.update(step.checksum().getBytes(StandardCharsets.US_ASCII)));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
