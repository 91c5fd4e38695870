package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.FailureCode;
import io.hal9.migrate.tools.ToolCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Pipelines branch on {@code error.code}: the README lists every code the CLI can answer, with its exit code. */
class ErrorCodesDocumentedTest {
  /** One group of the list: {@code `CHECKSUM_MISMATCH`, `HISTORY_MISMATCH` (4)}. */
  private static final Pattern GROUP = Pattern.compile("((?:`[A-Z0-9_]+`,?\\s*)+)\\((?:exit )?([\\d/]+)\\)");
  private static final Pattern CODE = Pattern.compile("`([A-Z0-9_]+)`");

  @Test
  void everyErrorCodeIsInTheReadmeWithItsExitCode() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("Error codes: ");
    String list = readme.substring(start, readme.indexOf("\n\n", start)); // the paragraph

    Map<String, List<String>> documented = new HashMap<>();
    Matcher group = GROUP.matcher(list);
    while (group.find()) {
      Matcher code = CODE.matcher(group.group(1));
      while (code.find()) {
        documented.put(code.group(1), List.of(group.group(2).split("/")));
      }
    }
    List<FailureCode> codes = Stream.concat(Stream.of(ErrorCode.values()), Stream.of(ToolCode.values())).map(FailureCode.class::cast).toList();
    for (FailureCode code : codes) {
      assertThat(documented).as("README error codes").containsKey(code.name());
      assertThat(documented.get(code.name())).as(code.name()).contains(Integer.toString(ExitCodes.of(code)));
    }
  }
}
