package io.hal9.migrate.engine.spi;

/** A row whose state cannot be transformed (not JSON, not an object, a number that is text...). */
public class InvalidNeuronException extends RuntimeException {
  public InvalidNeuronException(String reason) {
    super(reason, null, false, false);
  }
}
