package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.engine.spi.Neuron;
import io.hal9.migrate.engine.spi.NeuronTransform;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A CPU-heavy user transform ({@code transform: io.hal9.migrate.engine.internal.command.BurningTransform}), so that
 * a partitioned step lasts long enough to strike its workers: {@value #ROUNDS} SHA-256 rounds over the row's key and
 * the bias its ops left, the digest stored in the state. Deterministic, so any two runs store the same.
 */
public class BurningTransform implements NeuronTransform {
  static final int ROUNDS = 800;

  @Override
  public void apply(Neuron neuron) {
    neuron.state().put("digest", digest(neuron.key(), neuron.state().path("bias").asText()));
  }

  static String digest(String key, String bias) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] value = (key + "|" + bias).getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < ROUNDS; i++) {
        value = sha.digest(value);
      }
      return HexFormat.of().formatHex(value);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
