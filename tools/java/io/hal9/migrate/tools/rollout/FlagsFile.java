package io.hal9.migrate.tools.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.hal9.migrate.engine.api.Routing;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * HAL9's {@code feature_flags.json}: the phase, its master switch {@code hierarchical_enabled}, the global
 * hierarchical traffic percent, the mirror, and each flag's {@code enabled}/{@code percentage}, in a fixed key
 * order so that publishing the same routing writes the same bytes.
 */
final class FlagsFile {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** As people write JSON ({@code "phase": "canary"}, {@code {}}), not Jackson's default {@code "phase" : }. */
  private static final ObjectWriter WRITER = JSON.writer(new DefaultPrettyPrinter().withSeparators(
      Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
          .withObjectEmptySeparator("").withArrayEmptySeparator("")));

  private FlagsFile() {}

  @JsonPropertyOrder({"phase", "hierarchical_enabled", "hierarchical_traffic_percent", "mirrored", "flags"})
  @JsonIgnoreProperties(ignoreUnknown = true)
  private record Document(
      @JsonProperty("phase") String phase,
      @JsonProperty("hierarchical_enabled") boolean hierarchicalEnabled,
      @JsonProperty(value = "hierarchical_traffic_percent", required = true) int hierarchicalTrafficPercent,
      @JsonProperty("mirrored") boolean mirrored,
      @JsonProperty("flags") SortedMap<String, FlagEntry> flags) {}

  /** HAL9's flags carry targeting rules too; they are not the rollout's, and reading ignores them. */
  @JsonPropertyOrder({"enabled", "percentage"})
  @JsonIgnoreProperties(ignoreUnknown = true)
  private record FlagEntry(@JsonProperty("enabled") boolean enabled, @JsonProperty("percentage") int percentage) {}

  static String write(Routing routing) {
    SortedMap<String, FlagEntry> flags = new TreeMap<>();
    routing.flags().forEach((name, flag) -> flags.put(name, new FlagEntry(flag.enabled(), flag.percentage())));
    // HAL9 sends nothing to the hierarchical system while its master switch is off, mirror included.
    boolean enabled = routing.hierarchicalPercent() > 0 || routing.mirrored();
    try {
      Document document = new Document(routing.phase(), enabled, routing.hierarchicalPercent(), routing.mirrored(), flags);
      return WRITER.writeValueAsString(document) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("records of strings and numbers always serialize", e);
    }
  }

  /** @throws IllegalArgumentException the text is not such a file; the message says why, in one line */
  static Routing read(String text) {
    Document document;
    try {
      document = JSON.readValue(text, Document.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage().lines().findFirst().orElse("not JSON"));
    }
    if (document == null) {
      throw new IllegalArgumentException("empty");
    }
    SortedMap<String, Routing.Flag> flags = new TreeMap<>();
    Map<String, FlagEntry> entries = document.flags() == null ? Map.of() : document.flags();
    for (Map.Entry<String, FlagEntry> flag : entries.entrySet()) {
      flags.put(flag.getKey(), new Routing.Flag(flag.getValue().enabled(), flag.getValue().percentage()));
    }
    return new Routing(document.phase(), document.hierarchicalTrafficPercent(), document.mirrored(), flags);
  }
}
