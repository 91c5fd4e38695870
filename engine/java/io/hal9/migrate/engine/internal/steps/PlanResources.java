package io.hal9.migrate.engine.internal.steps;

import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * A step's Flyway migrations as the plan loader read them, served to Flyway instead of its scan of the folders:
 * Flyway runs the bytes the step's checksum covers, whatever the folders hold by then. Names are relative to each
 * folder, as Flyway's own filesystem scan gives them, so its history reads the same.
 */
final class PlanResources implements ResourceProvider {
  private final List<Resource> resources = new ArrayList<>();

  /** @param folders each folder's path on disk (for messages) and its files by path inside it */
  PlanResources(Map<Path, ? extends Map<String, byte[]>> folders) {
    folders.forEach((folder, files) -> files.forEach((name, content) ->
        resources.add(new Resource(folder, name, new String(content, StandardCharsets.UTF_8)))));
  }

  @Override
  public LoadableResource getResource(String name) {
    return resources.stream().filter(r -> r.getRelativePath().equals(name)).findFirst().orElse(null);
  }

  @Override
  public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
    return resources.stream()
        .filter(r -> r.getFilename().startsWith(prefix) && Arrays.stream(suffixes).anyMatch(r.getFilename()::endsWith))
        .map(LoadableResource.class::cast)
        .toList();
  }

  private static final class Resource extends LoadableResource {
    private final Path folder;
    private final String relativePath;
    private final String text;

    Resource(Path folder, String relativePath, String text) {
      this.folder = folder;
      this.relativePath = relativePath;
      this.text = text;
    }

    @Override
    public Reader read() {
      return new StringReader(text);
    }

    @Override
    public String getAbsolutePath() {
      return folder.resolve(relativePath).toString();
    }

    @Override
    public String getAbsolutePathOnDisk() {
      return getAbsolutePath();
    }

    @Override
    public String getFilename() {
      return relativePath.substring(relativePath.lastIndexOf('/') + 1);
    }

    @Override
    public String getRelativePath() {
      return relativePath;
    }
  }
}
