package io.hal9.migrate.tools.health;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which local processes listen on a TCP port, where the OS tells: on Linux, the listening sockets of
 * {@code /proc/net/tcp} and {@code tcp6} by inode, matched against every process's open descriptors. Processes
 * of other users are invisible without privileges; elsewhere nothing is known and the list is empty.
 */
final class PortOwners {
  private static final Path PROC = Path.of("/proc");
  private static final String LISTEN = "0A";

  private PortOwners() {}

  /** {@code pid 1234 (postgres)} for each process found. */
  static List<String> of(int port) {
    Set<String> inodes = listeningInodes(port);
    List<String> owners = new ArrayList<>();
    if (inodes.isEmpty()) {
      return owners;
    }
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, entry -> entry.getFileName().toString().matches("\\d+"))) {
      for (Path process : processes) {
        if (holdsAny(process, inodes)) {
          long pid = Long.parseLong(process.getFileName().toString());
          owners.add("pid " + pid + " (" + command(pid) + ")");
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or /proc unreadable: the OS does not tell.
    }
    return owners;
  }

  private static Set<String> listeningInodes(int port) {
    Set<String> inodes = new HashSet<>();
    String hexPort = String.format(":%04X", port);
    for (String table : List.of("net/tcp", "net/tcp6")) {
      try {
        for (String line : Files.readAllLines(PROC.resolve(table))) {
          String[] fields = line.trim().split("\\s+");
          // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
          if (fields.length > 9 && fields[1].endsWith(hexPort) && fields[3].equals(LISTEN)) {
            inodes.add(fields[9]);
          }
        }
      } catch (IOException | RuntimeException e) {
        // no such table here
      }
    }
    return inodes;
  }

  private static boolean holdsAny(Path process, Set<String> inodes) {
    try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
      for (Path descriptor : descriptors) {
        String target = Files.readSymbolicLink(descriptor).toString();
        if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
          return true;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone meanwhile, or not ours to read
    }
    return false;
  }

  /**
   * The executable's name only: a command line often carries passwords and tokens, and this text ends up in
   * output and in checkpoints.
   */
  private static String command(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(process -> process.info().command())
        .map(path -> Path.of(path).getFileName().toString())
        .orElse("command unknown");
  }
}
