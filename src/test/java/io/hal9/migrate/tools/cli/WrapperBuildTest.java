package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bin wrapper's first build, as a user sees it with its output captured (a CI log, a file): quiet, and no
 * raw terminal codes. The wrapper runs beside a one-line project, so its real Maven command takes a second;
 * there is no jar to start afterwards, which only the last line says.
 */
class WrapperBuildTest {
  private static final String POM = "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
      + "<groupId>test</groupId><artifactId>wrapper</artifactId><version>1</version><packaging>pom</packaging></project>\n";

  @TempDir Path root;

  @Test
  void firstBuildPrintsNoEscapeCodes() throws Exception {
    Path wrapper = root.resolve("tools/hal9-migrate");
    Files.createDirectories(wrapper.getParent());
    Files.copy(Path.of("tools/hal9-migrate"), wrapper, StandardCopyOption.COPY_ATTRIBUTES);
    Files.writeString(root.resolve("pom.xml"), POM);
    Path output = root.resolve("output.txt");

    Process build = new ProcessBuilder(wrapper.toString(), "--version").redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    assertThat(build.waitFor(120, TimeUnit.SECONDS)).as("the wrapper ends").isTrue();

    String text = Files.readString(output);
    assertThat(text).startsWith("hal9-migrate: building " + root.resolve("target/hal9-migrate.jar"));
    assertThat(text).as(text).doesNotContain("\u001b");
  }
}
