package io.hal9.migrate.tools.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where a rollout's routing is published: the ConfigMap holding HAL9's {@code feature_flags.json}, and the object
 * that splits traffic between the flat and the hierarchical system. Written in a plan or a CLI file as
 * <pre>
 * namespace: hal9                  # default
 * configmap: hal9-feature-flags    # default; key feature_flags.json
 * traffic: {httproute: hal9, flat-service: hal9-flat, hierarchical-service: hal9-hierarchical, port: 8080}
 * # or traffic: {ingress-nginx: hal9-hierarchical-canary}
 * kubeconfig: path                 # optional, relative to the plan directory (or the working directory)
 * </pre>
 * Every key has a default: an empty map publishes to the example manifests in {@code tools/k8s}.
 *
 * @param kubeconfig a kubeconfig file, or null for fabric8's usual resolution (KUBECONFIG, ~/.kube, in-cluster)
 */
public record ClusterTarget(String namespace, String configMap, Traffic traffic, String kubeconfig) {
  public static final String NAMESPACE = "hal9";
  public static final String CONFIGMAP = "hal9-feature-flags";
  /** The key of the ConfigMap HAL9 reads its flags from. */
  public static final String FLAGS_KEY = "feature_flags.json";
  public static final String HTTPROUTE = "hal9";
  public static final String FLAT_SERVICE = "hal9-flat";
  public static final String HIERARCHICAL_SERVICE = "hal9-hierarchical";
  public static final int PORT = 8080;

  private static final Set<String> KEYS = Set.of("namespace", "configmap", "traffic", "kubeconfig");
  private static final Set<String> ROUTE_KEYS = Set.of("httproute", "flat-service", "hierarchical-service", "port");
  /** A Kubernetes object name (RFC 1123 subdomain) and a namespace or Service name (RFC 1123 label). */
  private static final String LABEL_TEXT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern SUBDOMAIN = Pattern.compile(LABEL_TEXT + "(\\." + LABEL_TEXT + ")*");
  private static final Pattern LABEL = Pattern.compile(LABEL_TEXT);

  /** How the hierarchical system's share of traffic is set. */
  public sealed interface Traffic permits HttpRoute, IngressNginx {
    /** For messages: {@code httproute hal9/hal9}. */
    String describe(String namespace);
  }

  /** Gateway API: the weights of the two Services in the route's rules, and a request mirror for shadow. */
  public record HttpRoute(String name, String flatService, String hierarchicalService, int port) implements Traffic {
    @Override
    public String describe(String namespace) {
      return "httproute " + namespace + "/" + name;
    }
  }

  /** ingress-nginx: the canary Ingress (in front of the hierarchical Service) and its canary weight. */
  public record IngressNginx(String name) implements Traffic {
    @Override
    public String describe(String namespace) {
      return "ingress " + namespace + "/" + name;
    }
  }

  /** Where a mistake is: {@code key} is dotted ({@code traffic.port}); the message names it too. */
  public interface TargetProblems {
    void report(String key, String message);
  }

  /** The target of the example manifests. */
  public static ClusterTarget defaults() {
    return new ClusterTarget(NAMESPACE, CONFIGMAP, new HttpRoute(HTTPROUTE, FLAT_SERVICE, HIERARCHICAL_SERVICE, PORT), null);
  }

  /** For messages: {@code configmap hal9/hal9-feature-flags}. */
  public String describeConfigMap() {
    return "configmap " + namespace + "/" + configMap;
  }

  /**
   * The target {@code node} describes (null or an empty map: the defaults), with a relative kubeconfig resolved
   * against {@code base}. Mistakes go to {@code problems}, one line each; the target returned is meaningful only
   * when none were reported.
   */
  public static ClusterTarget parse(JsonNode node, Path base, TargetProblems problems) {
    if (node == null || node.isNull()) {
      return defaults();
    }
    if (!node.isObject()) {
      problems.report("", "expected a map with namespace, configmap, traffic, kubeconfig; got " + node.getNodeType());
      return defaults();
    }
    unknown(node, "", KEYS, problems);
    String namespace = name(node, "namespace", "", NAMESPACE, LABEL, problems);
    String configMap = name(node, "configmap", "", CONFIGMAP, SUBDOMAIN, problems);
    String kubeconfig = text(node, "kubeconfig", "", null, problems);
    if (kubeconfig != null && base != null) {
      kubeconfig = base.resolve(kubeconfig).toString();
    }
    return new ClusterTarget(namespace, configMap, traffic(node.get("traffic"), problems), kubeconfig);
  }

  private static Traffic traffic(JsonNode node, TargetProblems problems) {
    if (node == null || node.isNull()) {
      return defaults().traffic();
    }
    if (!node.isObject()) {
      problems.report("traffic", "traffic: expected {httproute: NAME, ...} or {ingress-nginx: NAME}, got " + node);
      return defaults().traffic();
    }
    if (node.has("ingress-nginx")) {
      if (node.size() > 1) {
        Set<String> others = new TreeSet<>();
        node.fieldNames().forEachRemaining(others::add);
        others.remove("ingress-nginx");
        problems.report("traffic", "traffic: 'ingress-nginx' stands alone; drop " + String.join(", ", others));
      }
      String ingress = name(node, "ingress-nginx", "traffic.", null, SUBDOMAIN, problems);
      if (ingress == null) {
        problems.report("traffic.ingress-nginx", "traffic.ingress-nginx: expected the name of the canary Ingress");
      }
      return new IngressNginx(ingress);
    }
    unknown(node, "traffic.", ROUTE_KEYS, problems);
    JsonNode port = node.get("port");
    int portNumber = PORT;
    if (port != null) {
      if (port.isIntegralNumber() && port.asLong() >= 1 && port.asLong() <= 65535) {
        portNumber = port.asInt();
      } else {
        problems.report("traffic.port", "traffic.port: expected a port from 1 to 65535, got " + port);
      }
    }
    return new HttpRoute(name(node, "httproute", "traffic.", HTTPROUTE, SUBDOMAIN, problems),
        name(node, "flat-service", "traffic.", FLAT_SERVICE, LABEL, problems),
        name(node, "hierarchical-service", "traffic.", HIERARCHICAL_SERVICE, LABEL, problems), portNumber);
  }

  private static void unknown(JsonNode node, String prefix, Set<String> known, TargetProblems problems) {
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!known.contains(key)) {
        String names = String.join(", ", new TreeSet<>(known));
        problems.report(prefix + key, prefix + key + ": unknown key (known: " + names + ")");
      }
    }
  }

  private static String name(JsonNode node, String key, String prefix, String fallback, Pattern shape,
      TargetProblems problems) {
    String value = text(node, key, prefix, fallback, problems);
    int maxLength = shape == LABEL ? 63 : 253;
    if (value != null && (value.length() > maxLength || !shape.matcher(value).matches())) {
      problems.report(prefix + key, prefix + key + ": '" + value + "' is not a Kubernetes name (lower-case letters, digits, "
          + "'-'" + (shape == SUBDOMAIN ? ", '.'" : "") + ")");
    }
    return value;
  }

  private static String text(JsonNode node, String key, String prefix, String fallback, TargetProblems problems) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      problems.report(prefix + key, prefix + key + ": expected a non-empty string, got " + value);
      return fallback;
    }
    return value.asText();
  }
}
