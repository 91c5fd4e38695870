package io.hal9.migrate.tools.rollout;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Map;
import java.util.Objects;

/**
 * The ConfigMap HAL9 reads {@code feature_flags.json} from. Only that key is the rollout's: the others, the
 * labels and the annotations stay as they are.
 */
final class FlagsConfigMap {
  private final KubernetesClient client;
  private final ClusterTarget target;

  FlagsConfigMap(KubernetesClient client, ClusterTarget target) {
    this.client = client;
    this.target = target;
  }

  /**
   * Writes {@code json} under the flags key, creating the ConfigMap when it is absent. An update carries the
   * resourceVersion read, so a concurrent writer makes it fail (409) rather than lose that writer's change; the
   * caller retries from the read. Nothing is written when the key already holds {@code json}.
   */
  void write(String json) {
    ConfigMap current = resource().get();
    if (current == null) {
      client.configMaps().inNamespace(target.namespace()).resource(new ConfigMapBuilder()
          .withNewMetadata().withName(target.configMap()).withNamespace(target.namespace()).endMetadata()
          .addToData(ClusterTarget.FLAGS_KEY, json)
          .build()).create();
      return;
    }
    Map<String, String> data = current.getData();
    if (data != null && json.equals(data.get(ClusterTarget.FLAGS_KEY))) {
      return;
    }
    client.configMaps().inNamespace(target.namespace()).resource(new ConfigMapBuilder(current)
        .addToData(ClusterTarget.FLAGS_KEY, json)
        .build()).update();
  }

  /** The flags file as the cluster holds it, or null when the ConfigMap or its key is absent. */
  String read() {
    ConfigMap current = resource().get();
    return current == null || current.getData() == null ? null : current.getData().get(ClusterTarget.FLAGS_KEY);
  }

  private Resource<ConfigMap> resource() {
    return client.configMaps().inNamespace(target.namespace()).withName(Objects.requireNonNull(target.configMap()));
  }
}
