package io.hal9.migrate.tools.scale;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import java.time.Duration;

/**
 * One {@code scale} step. Before changing anything it commits the values it replaces as the checkpoint's counters
 * (a retry keeps those of the first attempt, which are the true previous ones); {@link #undo} applies them back.
 */
final class ScaleStep implements Step {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ScaleRequest request;
  private final String kubeconfig;
  private final Duration timeout;

  ScaleStep(ScaleRequest request, String kubeconfig, Duration timeout) {
    this.request = request;
    this.kubeconfig = kubeconfig;
    this.timeout = timeout;
  }

  @Override
  public void run(StepContext context) throws Exception {
    ScaleRequest recorded = context.counters() == null ? null : JSON.readValue(context.counters(), ScaleRequest.class);
    try (KubernetesClient client = KubernetesClients.open(kubeconfig, System.getenv())) {
      Scaler scaler = new Scaler(client);
      ScalePlan plan = scaler.plan(request, recorded);
      if (recorded == null) {
        String previous = JSON.writeValueAsString(plan.previous());
        context.commit(tx -> new Batch(null, 0, previous));
      }
      scaler.apply(plan, timeout);
    }
  }

  @Override
  public boolean undoable() {
    return true;
  }

  /** Puts back the recorded values; a step that recorded none never changed anything. */
  @Override
  public void undo(StepContext context) throws Exception {
    if (context.counters() == null) {
      return;
    }
    ScaleRequest previous = JSON.readValue(context.counters(), ScaleRequest.class);
    if (previous.deployment() == null && previous.hpa() == null) {
      return;
    }
    try (KubernetesClient client = KubernetesClients.open(kubeconfig, System.getenv())) {
      Scaler scaler = new Scaler(client);
      scaler.apply(scaler.plan(previous), timeout);
    }
  }
}
