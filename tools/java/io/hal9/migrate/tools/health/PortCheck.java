package io.hal9.migrate.tools.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * A {@code host:port} that must be {@code free} (we can bind it) or {@code listening} (we can connect to it),
 * decided by really binding or connecting: HAL9's old script reported port 8080 blocked while it was free.
 * When the port is taken, the check names the local process holding it where the OS tells.
 */
final class PortCheck implements HealthCheck {
  private static final int CONNECT_TIMEOUT_MILLIS = 2000;

  private final String address;
  private final String host;
  private final int port;
  private final boolean expectFree;

  PortCheck(CheckEntry entry) {
    address = entry.string("address", null);
    String expect = entry.string("expect", "free");
    if (!expect.equals("free") && !expect.equals("listening")) {
      entry.problem("expect", "expected free or listening, got '" + expect + "'");
    }
    expectFree = !expect.equals("listening");
    int colon = address == null ? -1 : address.lastIndexOf(':');
    String portText = colon < 0 ? "" : address.substring(colon + 1);
    host = colon <= 0 ? null : address.substring(0, colon).replaceAll("^\\[(.*)]$", "$1");
    int parsed = portText.matches("\\d{1,5}") ? Integer.parseInt(portText) : -1;
    if (address != null && (host == null || parsed < 1 || parsed > 65535)) {
      entry.problem("address", "expected host:port with a port from 1 to 65535, got '" + address + "'");
    }
    port = parsed;
  }

  @Override
  public String kind() {
    return "port";
  }

  @Override
  public CheckResult run(HealthTarget target) {
    Map<String, Object> limits = Measures.of("expect", expectFree ? "free" : "listening");
    List<InetAddress> addresses;
    try {
      addresses = List.of(InetAddress.getAllByName(host));
    } catch (UnknownHostException e) {
      return new CheckResult(kind(), address, CheckStatus.FAILED, "cannot check: unknown host " + host, Measures.of(), limits);
    }
    // localhost may be 127.0.0.1 and ::1: a server on either is listening, and the port is free only on both.
    boolean listening = addresses.stream().anyMatch(this::connects);
    String bindError = null;
    if (!listening) {
      for (InetAddress candidate : addresses) {
        if (!isLocal(candidate)) {
          if (expectFree) {
            return new CheckResult(kind(), address, CheckStatus.FAILED, "cannot check: " + candidate.getHostAddress()
                + " is not an address of this machine, so whether its port is free cannot be tried", Measures.of(), limits);
          }
          continue;
        }
        bindError = bindError == null ? bindError(candidate) : bindError;
      }
    }
    boolean free = !listening && bindError == null;
    List<String> owners = free ? List.of() : PortOwners.of(port);
    Map<String, Object> measured = Measures.of("free", free, "listening", listening, "owners", owners);
    String state = free ? "free" : listening ? "listening" : "taken (" + bindError + ")";
    String heldBy = owners.isEmpty() ? "" : ", held by " + String.join(", ", owners);
    boolean ok = expectFree ? free : listening;
    String message = (ok ? "" : "expected " + (expectFree ? "free" : "listening") + ", but ") + address + " is " + state + heldBy;
    return new CheckResult(kind(), address, ok ? CheckStatus.OK : CheckStatus.FAILED, message, measured, limits);
  }

  private boolean connects(InetAddress target) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(target, port), CONNECT_TIMEOUT_MILLIS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Null when the port can be bound on {@code local}; else why not ("Address already in use"). */
  private String bindError(InetAddress local) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as a server would: a port in TIME_WAIT is free for it
      socket.bind(new InetSocketAddress(local, port));
      return null;
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  private static boolean isLocal(InetAddress candidate) {
    try {
      return candidate.isAnyLocalAddress() || candidate.isLoopbackAddress() || NetworkInterface.getByInetAddress(candidate) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
