package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import java.time.Duration;

/**
 * One {@code scale} step. Before changing anything it commits the values it replaces as its undo record (a retry
 * keeps that of the first attempt, which holds the true previous ones); {@link #undo} applies them back.
 */
final class ScaleStep implements Step {

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
    ScaleRequest recorded = context.undoRecord(ScaleRequest.class);
    try (KubernetesClient client = KubernetesClients.open(kubeconfig, System.getenv())) {
      Scaler scaler = new Scaler(client);
      ScalePlan plan = scaler.plan(request, recorded);
      if (recorded == null) {
        context.recordUndo(plan.previous());
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
    ScaleRequest previous = context.undoRecord(ScaleRequest.class);
    if (previous == null || previous.deployment() == null && previous.hpa() == null) {
      return;
    }
    try (KubernetesClient client = KubernetesClients.open(kubeconfig, System.getenv())) {
      Scaler scaler = new Scaler(client);
      scaler.apply(scaler.plan(previous), timeout);
    }
  }
}
