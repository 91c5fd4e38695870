package io.hal9.migrate.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Elements come back as the text they were written in, whatever they hold, with the blanks between them gone. */
class JsonArraysTest {

  @Test
  void elementsAreTheirTextToTheCharacter() {
    String array = "[[1, \"a,b]\"], {\"x\": [1.50, -0.000000010], \"y\": \"\\u00e9\\\"]\"} , 12345678901234567890.123456789,"
        + "null,\"L2\",  true ,[] ]";
    assertThat(JsonArrays.elements(array)).containsExactly("[1, \"a,b]\"]",
        "{\"x\": [1.50, -0.000000010], \"y\": \"\\u00e9\\\"]\"}", "12345678901234567890.123456789", "null", "\"L2\"",
        "true", "[]");
  }

  @Test
  void anEmptyArrayHasNoElements() {
    assertThat(JsonArrays.elements("[ ]")).isEmpty();
  }

  @Test
  void textThatIsNoArrayIsRefusedNamingIt() {
    assertThatThrownBy(() -> JsonArrays.elements("{\"state\": 1}")).hasMessage("not a JSON array: {\"state\": 1}");
    assertThatThrownBy(() -> JsonArrays.elements("[1, 2")).hasMessageStartingWith("unreadable JSON array: ");
  }
}
