package io.hal9.migrate.tools.bench;

import io.hal9.migrate.engine.spi.Neuron;
import io.hal9.migrate.engine.spi.NeuronTransform;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code bench workers}' CPU-heavy Java transform: a fingerprint of the state, SHA-256 stretched over {@link #ROUNDS}
 * rounds (about half a millisecond of one core a row), so the step's pace is the transform's, not the database's.
 * Stateless: one instance serves all the step's threads.
 */
public final class FingerprintTransform implements NeuronTransform {
  static final int ROUNDS = 2000;

  public FingerprintTransform() {}

  @Override
  public void apply(Neuron neuron) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = neuron.state().toString().getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < ROUNDS; i++) {
        digest = sha.digest(digest);
      }
      neuron.state().put("fingerprint", HexFormat.of().formatHex(digest, 0, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
