package io.hal9.migrate.tools.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.scale.Hal9Standard;
import io.hal9.migrate.tools.scale.KubernetesClients;
import io.hal9.migrate.tools.scale.ResourceQuantities;
import io.hal9.migrate.tools.scale.ScalePlan;
import io.hal9.migrate.tools.scale.ScaleRequest;
import io.hal9.migrate.tools.scale.Scaler;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code scale replicas|hpa|resources|emergency}: changes a HAL9 deployment through the Kubernetes API, after a
 * node capacity check for anything that grows, and waits for the rollout.
 */
@Command(name = "scale", description = "Scale a deployment or its autoscaler (capacity checked first, rollout awaited).",
    subcommands = {ScaleCommand.Replicas.class, ScaleCommand.Hpa.class, ScaleCommand.Resources.class, ScaleCommand.Emergency.class,
      CommandLine.HelpCommand.class})
final class ScaleCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: replicas, hpa, resources or emergency");
  }

  /** The options every scale subcommand takes. */
  static final class KubeOptions {
    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", description = "Namespace (default: the kubeconfig context's).")
    String namespace;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster).")
    String kubeconfig;

    @Option(names = "--dry-run", description = "Print what would change (capacity checked too); change nothing.")
    boolean dryRun;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
        description = "How long to wait for the rollout to be ready (default: ${DEFAULT-VALUE}).")
    long timeout;
  }

  abstract static class ScaleSubcommand extends ToolCommand {
    @Mixin KubeOptions kube;

    abstract ScaleRequest request();

    @Override
    final Map<String, Object> execute() {
      if (kube.timeout <= 0) {
        throw new Hal9MigrateException(ErrorCode.USAGE, "--timeout must be positive, got " + kube.timeout);
      }
      try (KubernetesClient client = KubernetesClients.open(kube.kubeconfig, main.env)) {
        Scaler scaler = new Scaler(client);
        ScalePlan plan = scaler.plan(request());
        print(plan);
        Map<String, Object> fields = new LinkedHashMap<>(plan.toMap());
        fields.put("dryRun", kube.dryRun);
        if (kube.dryRun) {
          if (plan.capacity() != null) {
            plan.capacity().check(); // a dry run of a refused scale-up fails as the real one would
          }
          fields.put("ready", null);
          return fields;
        }
        var rollout = scaler.apply(plan, Duration.ofSeconds(kube.timeout));
        if (rollout != null) {
          out.line("Ready: " + rollout.ready() + "/" + rollout.desired() + " replicas of " + plan.namespace() + "/" + plan.deployment() + ".");
        }
        fields.put("ready", rollout == null ? null : Map.of("readyReplicas", rollout.ready(), "replicas", rollout.desired()));
        return fields;
      }
    }

    private void print(ScalePlan plan) {
      String what = plan.deployment() != null ? "deployment " + plan.namespace() + "/" + plan.deployment()
          : "autoscaler " + plan.namespace() + "/" + plan.hpa();
      if (plan.changes().isEmpty()) {
        out.line("No change: " + what + " already has those values.");
        return;
      }
      out.line((kube.dryRun ? "Dry run, would change " : "Changing ") + what
          + (plan.container() != null ? " (container " + plan.container() + ")" : "") + ":");
      plan.changes().forEach(change -> out.line("  " + change));
      if (plan.capacity() != null) {
        out.line("Node capacity: " + plan.capacity().summary() + ".");
      }
    }
  }

  @Command(name = "replicas", description = "Set a deployment's replicas (HAL9 standard: 10).")
  static final class Replicas extends ScaleSubcommand {
    @Parameters(index = "0", paramLabel = "DEPLOYMENT")
    String deployment;

    @Parameters(index = "1", arity = "0..1", paramLabel = "N", description = "Replicas (or --standard).")
    Integer replicas;

    @Option(names = "--standard", description = "HAL9's standard: " + Hal9Standard.REPLICAS + " replicas.")
    boolean standard;

    @Override
    ScaleRequest request() {
      if ((replicas == null) == !standard) {
        throw usage("give N or --standard (not both)");
      }
      if (replicas != null && replicas < 0) {
        throw usage("N must be 0 or more, got " + replicas);
      }
      return ScaleRequest.replicas(kube.namespace, deployment, standard ? Hal9Standard.REPLICAS : replicas);
    }
  }

  @Command(name = "hpa", description = "Set an autoscaler's (autoscaling/v2) min/max replicas (HAL9 standard: 10/50).")
  static final class Hpa extends ScaleSubcommand {
    @Parameters(index = "0", paramLabel = "HPA")
    String hpa;

    @Option(names = "--min", paramLabel = "N", description = "Minimum replicas.")
    Integer min;

    @Option(names = "--max", paramLabel = "N", description = "Maximum replicas.")
    Integer max;

    @Option(names = "--standard", description = "HAL9's standard: min " + Hal9Standard.HPA_MIN + ", max " + Hal9Standard.HPA_MAX
        + " (--min/--max override).")
    boolean standard;

    @Override
    ScaleRequest request() {
      Integer minReplicas = min != null ? min : standard ? Integer.valueOf(Hal9Standard.HPA_MIN) : null;
      Integer maxReplicas = max != null ? max : standard ? Integer.valueOf(Hal9Standard.HPA_MAX) : null;
      if (minReplicas == null && maxReplicas == null) {
        throw usage("give --min, --max or --standard");
      }
      if (minReplicas != null && minReplicas < 1 || maxReplicas != null && maxReplicas < 1) {
        throw usage("--min and --max must be 1 or more");
      }
      if (minReplicas != null && maxReplicas != null && minReplicas > maxReplicas) {
        throw usage("--min " + minReplicas + " is above --max " + maxReplicas);
      }
      return ScaleRequest.hpa(kube.namespace, hpa, minReplicas, maxReplicas);
    }
  }

  @Command(name = "resources", description = "Set a container's requests/limits (HAL9 standard: requests 3Gi / 1.5 CPU, limits 6Gi / 3 CPU).")
  static final class Resources extends ScaleSubcommand {
    @Parameters(index = "0", paramLabel = "DEPLOYMENT")
    String deployment;

    @Option(names = "--container", paramLabel = "NAME", description = "The container (default: the only one).")
    String container;

    @Option(names = "--requests-cpu", paramLabel = "CPU") String requestsCpu;
    @Option(names = "--requests-memory", paramLabel = "MEMORY") String requestsMemory;
    @Option(names = "--limits-cpu", paramLabel = "CPU") String limitsCpu;
    @Option(names = "--limits-memory", paramLabel = "MEMORY") String limitsMemory;

    @Option(names = "--standard", description = "HAL9's standard requests and limits (explicit values override).")
    boolean standard;

    @Override
    ScaleRequest request() {
      Map<String, String> requests = new LinkedHashMap<>(standard ? Hal9Standard.REQUESTS : Map.of());
      Map<String, String> limits = new LinkedHashMap<>(standard ? Hal9Standard.LIMITS : Map.of());
      put(requests, "cpu", requestsCpu, "--requests-cpu");
      put(requests, "memory", requestsMemory, "--requests-memory");
      put(limits, "cpu", limitsCpu, "--limits-cpu");
      put(limits, "memory", limitsMemory, "--limits-memory");
      if (requests.isEmpty() && limits.isEmpty()) {
        throw usage("give --requests-cpu, --requests-memory, --limits-cpu, --limits-memory or --standard");
      }
      List<String> aboveLimits = ResourceQuantities.requestsAboveLimits(requests, limits);
      if (!aboveLimits.isEmpty()) {
        throw usage(aboveLimits.get(0));
      }
      return ScaleRequest.resources(kube.namespace, deployment, container, requests, limits);
    }

    private static void put(Map<String, String> values, String resource, String value, String option) {
      if (value == null) {
        return;
      }
      if (!ResourceQuantities.positive(value)) {
        throw usage(option + ": " + ResourceQuantities.EXPECTED + ", got '" + value + "'");
      }
      values.put(resource, value);
    }
  }

  @Command(name = "emergency", description = "Double a deployment's replicas (at most --ceiling) and raise its autoscaler to hold them.")
  static final class Emergency extends ScaleSubcommand {
    @Parameters(index = "0", paramLabel = "DEPLOYMENT")
    String deployment;

    @Option(names = "--hpa", paramLabel = "NAME", description = "The autoscaler (default: the one targeting DEPLOYMENT, if any).")
    String hpa;

    @Option(names = "--ceiling", paramLabel = "N", defaultValue = "" + ScaleRequest.DEFAULT_CEILING,
        description = "Never more replicas, nor a higher autoscaler max, than this (default: ${DEFAULT-VALUE}).")
    int ceiling;

    @Override
    ScaleRequest request() {
      if (ceiling < 1) {
        throw usage("--ceiling must be 1 or more, got " + ceiling);
      }
      return ScaleRequest.emergency(kube.namespace, deployment, hpa, ceiling);
    }
  }

  private static Hal9MigrateException usage(String message) {
    return new Hal9MigrateException(ErrorCode.USAGE, message);
  }
}
