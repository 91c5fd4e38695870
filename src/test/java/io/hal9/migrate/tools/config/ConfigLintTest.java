package io.hal9.migrate.tools.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.ToolCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConfigLint} over HAL9-like configs with known mistakes (src/test/resources/config-lint/broken), their
 * corrected twins (clean/, no finding at all), the ops assets in tools/k8s, and small cases for each rule's
 * edges.
 */
class ConfigLintTest {
  static final Path BROKEN = Path.of("src/test/resources/config-lint/broken");
  static final Path CLEAN = Path.of("src/test/resources/config-lint/clean");

  /** Every known mistake, exactly, and nothing else. */
  static final List<String> BROKEN_FINDINGS = List.of(
      broken(".env", 2) + "placeholder-secret: ANTHROPIC_API_KEY is a placeholder 'sk-ant-CHANGE_ME'",
      broken(".env", 3) + "inconsistent-setting: setting 'model' differs between files: 'claude-3-opus-20240229' at .env:3,"
          + " app.properties:5, hal9-configmap.yaml:8, layers.json:3, layers.json:4; 'claude-3-sonnet-20240229' at"
          + " deployment.yaml:22; 'claude-3-5-sonnet-20240620' at layers.json:5",
      broken(".env", 4) + "inconsistent-setting: setting 'rate limit' differs between files: '100' at .env:4; '1000' at"
          + " app.properties:4, hal9-configmap.yaml:10",
      broken(".env", 7) + "placeholder-value: GRAFANA_URL is a placeholder '<grafana-url>'",
      broken("app.properties", 2) + "placeholder-secret: api.key is a placeholder 'your-api-key-here'",
      broken("app.properties", 3) + "placeholder-secret: password is an unresolved reference '${DB_PASSWORD}'",
      broken("deployment.yaml", 8) + "inconsistent-setting: setting 'replicas of hal9' differs between files: '60' at"
          + " deployment.yaml:8; '10' at hal9-configmap.yaml:12",
      broken("deployment.yaml", 8) + "replicas-outside-hpa: Deployment hal9 has 60 replicas, outside 10..50 of"
          + " HorizontalPodAutoscaler hal9 (hpa.yaml:11)",
      broken("deployment.yaml", 30) + "requests-above-limits: container 'hal9' of Deployment hal9 requests 8Gi memory,"
          + " above its limit 6Gi",
      broken("hal9-configmap.yaml", 11) + "inconsistent-setting: setting 'requests per second' differs between files:"
          + " '100' at hal9-configmap.yaml:11; '10' at ingress.yaml:6",
      broken("hal9-configmap.yaml", 13) + "placeholder-secret: ANTHROPIC_API_KEY is a placeholder 'your-api-key-here'",
      broken("secret.yaml", 7) + "placeholder-secret: anthropic-api-key decodes (base64) to a placeholder 'sk-ant-api03-xxx'",
      broken("secret.yaml", 10) + "placeholder-secret: grafana-admin-password is a placeholder 'changeme'",
      broken("servicemonitor.yaml", 1) + "servicemonitor-apiversion: ServiceMonitor hal9 has apiVersion 'v1'; expected"
          + " monitoring.coreos.com/v1");

  @TempDir Path dir;

  @Test
  void brokenConfigsHaveExactlyTheirKnownMistakes() throws Exception {
    List<Finding> findings = ConfigLint.standard().lint(List.of(BROKEN));

    assertThat(findings).map(Finding::toString).containsExactlyElementsOf(BROKEN_FINDINGS);
    // A placeholder in an ordinary setting may be filled in at deploy time: a warning; everything else fails.
    assertThat(findings).filteredOn(f -> f.severity() == Severity.WARNING).map(Finding::toString)
        .containsExactly(BROKEN_FINDINGS.get(3));
  }

  @Test
  void cleanConfigsAndTheOpsAssetsHaveNoFinding() throws Exception {
    assertThat(ConfigLint.standard().lint(List.of(CLEAN))).isEmpty();
    assertThat(ConfigLint.standard().lint(List.of(Path.of("tools/k8s")))).isEmpty();
  }

  @Test
  void realSecretsNeverAppearInFindings() throws Exception {
    String findings = ConfigLint.standard().lint(List.of(BROKEN)).toString();

    // .env's HAL9_DB_PASSWORD, and secret.yaml's db-password both encoded and decoded.
    assertThat(findings).doesNotContain("3HgkMXszwzCD7wXAU7i5PB2Q", "eUFiVFdONUIyVUFHdmVCU25sQlhVQWdq",
        "yAbTWN5B2UAGveBSnlBXUAgj");
  }

  @Test
  void placeholdersFailForSecretsAndWarnForOtherSettings() throws Exception {
    write("a.yaml", """
        description: <fill in>
        owner: TODO
        token: <token>
        database:
          passwordFile: /run/secrets/TODO-later
          apiKey: xxxxxxxx
        env:
          - name: GITHUB_TOKEN
            value: replace-me
          - name: DB_PASSWORD
            valueFrom:
              secretKeyRef: {name: db, key: password}
        """);

    assertThat(lint()).map(Finding::toString).containsExactly(
        at("a.yaml", 1) + "placeholder-value: description is a placeholder '<fill in>'",
        at("a.yaml", 2) + "placeholder-value: owner is a placeholder 'TODO'",
        at("a.yaml", 3) + "placeholder-secret: token is a placeholder '<token>'",
        at("a.yaml", 5) + "placeholder-secret: passwordFile is a placeholder '/run/secrets/TODO-later'",
        at("a.yaml", 6) + "placeholder-secret: apiKey is a placeholder 'xxxxxxxx'",
        at("a.yaml", 9) + "placeholder-secret: GITHUB_TOKEN is a placeholder 'replace-me'");
  }

  @Test
  void keysAreTheSameSettingWhateverTheirStyle() throws Exception {
    write("a.env", "RATE_LIMIT=100\nEMBEDDING_MODEL=all-minilm-l6-v2\n");
    write("b.yaml", "api:\n  rateLimit: 100\nembedding:\n  model: ngram-hash\n");
    write("c.properties", "hal9.rate-limit=250\n");

    assertThat(lint()).map(Finding::toString).containsExactly(
        at("a.env", 1) + "inconsistent-setting: setting 'rate limit' differs between files: '100' at a.env:1,"
            + " b.yaml:2; '250' at c.properties:1",
        at("a.env", 2) + "inconsistent-setting: setting 'embedding model' differs between files:"
            + " 'all-minilm-l6-v2' at a.env:2; 'ngram-hash' at b.yaml:4");
  }

  @Test
  void differentValuesWithinOneFileOrForDifferentWorkloadsAreNoInconsistency() throws Exception {
    write("layers.json", "{\"L1\": {\"model\": \"claude-3-haiku-20240307\"}, \"L9\": {\"model\": \"claude-3-opus-20240229\"}}");
    write("api.yaml", deployment("hal9-api", 4));
    write("worker.yaml", deployment("hal9-worker", 2));
    write("numbers.env", "RATE_LIMIT=100\n");
    write("numbers.yaml", "rate_limit: 100.0\n");

    assertThat(lint()).isEmpty();
  }

  @Test
  void replicasInAConfigmapAreComparedWithTheWorkloadOfItsApp() throws Exception {
    write("api.yaml", deployment("hal9-api", 4));
    write("config.yaml", replicasConfigmap("", "hal9-api", 6));
    write("other.yaml", replicasConfigmap("", "other", 9));

    assertThat(lint()).map(Finding::toString).containsExactly(
        at("api.yaml", 6) + "inconsistent-setting: setting 'replicas of hal9-api' differs between files: '4' at"
            + " api.yaml:6; '6' at config.yaml:8");
  }

  @Test
  void replicasAreComparedWithinANamespaceOnly() throws Exception {
    write("staging.yaml", deployment("hal9-api", 2).replace("  name: hal9-api\n", "  name: hal9-api\n  namespace: staging\n"));
    write("prod.yaml", deployment("hal9-api", 10).replace("  name: hal9-api\n", "  name: hal9-api\n  namespace: prod\n"));
    write("prod-config.yaml", replicasConfigmap("prod", "hal9-api", 10));
    write("staging-config.yaml", replicasConfigmap("staging", "hal9-api", 3));

    assertThat(lint()).map(Finding::toString).containsExactly(
        at("staging-config.yaml", 9) + "inconsistent-setting: setting 'replicas of staging/hal9-api' differs between files:"
            + " '3' at staging-config.yaml:9; '2' at staging.yaml:7");
  }

  @Test
  void requestsAreComparedAsQuantitiesInEveryPodSpec() throws Exception {
    write("cron.yaml", """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: nightly
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  initContainers:
                    - name: init
                      resources:
                        requests: {cpu: 1001m, memory: 1Gi}
                        limits: {cpu: "1", memory: 1024Mi}
                  containers:
                    - name: main
                      resources:
                        requests: {cpu: "0.5", memory: 1G}
                        limits: {cpu: 500m, memory: 1Gi}
        """);

    assertThat(lint()).map(Finding::toString).containsExactly(
        at("cron.yaml", 14) + "requests-above-limits: container 'init' of CronJob nightly requests 1001m cpu, above its limit 1");
  }

  /** What the API server refuses of a Job's fields together; tools/k8s/workers.yaml is the good Indexed Job. */
  @Test
  void indexedJobsNeedCompletionsAndPerIndexLimitsAnIndexedJob() throws Exception {
    write("jobs.yaml", """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: workers
        spec:
          completionMode: Indexed
          parallelism: 4
          backoffLimitPerIndex: 3
          template:
            spec:
              restartPolicy: Never
              containers: [{name: w, image: w:1}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: plain
        spec:
          maxFailedIndexes: 1
          podFailurePolicy:
            rules: [{action: Ignore, onPodConditions: [{type: DisruptionTarget}]}]
          template:
            spec:
              restartPolicy: OnFailure
              containers: [{name: p, image: p:1}]
        """);

    assertThat(lint()).map(Finding::toString).containsExactly(
        at("jobs.yaml", 6) + "job-spec: Job workers is Indexed without completions (one index a completion)",
        at("jobs.yaml", 19) + "job-spec: Job plain sets maxFailedIndexes but is not completionMode: Indexed",
        at("jobs.yaml", 20) + "job-spec: Job plain has a podFailurePolicy but restartPolicy 'OnFailure'; it needs Never");
    assertThat(lint(Path.of("tools/k8s/workers.yaml"))).isEmpty();
  }

  @Test
  void replicasBelowTheHpaMinimumCountAndOtherNamespacesDoNot() throws Exception {
    // A manifest without a namespace goes wherever it is applied: it matches an HPA of any namespace.
    write("api.yaml", deployment("hal9-api", 4).replace("  name: hal9-api\n", "  name: hal9-api\n  namespace: prod\n"));
    write("hpa.yaml", hpa("hal9-api", "", 5, 20) + "---\n" + hpa("hal9-api", "staging", 1, 2)
        + "---\n" + hpa("hal9-api", "prod", 4, 4));

    assertThat(lint()).map(Finding::toString).containsExactly(
        at("api.yaml", 7) + "replicas-outside-hpa: Deployment hal9-api has 4 replicas, outside 5..20 of"
            + " HorizontalPodAutoscaler hal9-api (hpa.yaml:10)");
  }

  @Test
  void multiDocumentYamlWithEmptyDocumentsIsRead() throws Exception {
    write("all.yaml", "---\n# nothing here\n---\napiVersion: v1\nkind: ServiceMonitor\nmetadata:\n  name: m\n---\n");

    assertThat(lint()).map(Finding::toString).containsExactly(
        at("all.yaml", 4) + "servicemonitor-apiversion: ServiceMonitor m has apiVersion 'v1'; expected monitoring.coreos.com/v1");
  }

  @Test
  void unparsableFilesAndMissingPathsAreNamedWithTheirLines() throws Exception {
    write("bad.yaml", "a: 1\nb: \"unclosed\nc: 2\n");
    write("bad.json", "{\n  \"api_key\": sk_live_abcdef\n}\n");
    write("bad.env", "OK=1\nthis is not an assignment\nQUOTED=\"open\n");
    write("bad.properties", "key=\\u12\n");

    assertThatThrownBy(() -> lint(dir, dir.resolve("missing")))
        .isInstanceOfSatisfying(Hal9MigrateException.class, e -> {
          assertThat(e.code()).isEqualTo(ToolCode.CONFIG_UNREADABLE);
          assertThat(e.details()).containsExactly(
              dir.resolve("missing") + ": no such file or directory",
              at("bad.env", 2) + "invalid .env line: expected NAME=VALUE",
              at("bad.env", 3) + "invalid .env line: unclosed quote in the value of QUOTED",
              at("bad.json", 2) + "invalid JSON: Unrecognized token: was expecting (JSON String, Number, Array,"
                  + " Object or token 'null', 'true' or 'false')",
              at("bad.properties", 1) + "invalid .properties line: Malformed \\uxxxx encoding.",
              at("bad.yaml", 2) + "invalid YAML: found unexpected end of stream");
          assertThat(e.details().toString()).doesNotContain("sk_live");
        });
  }

  private List<Finding> lint() throws Exception {
    return lint(dir);
  }

  private static List<Finding> lint(Path... paths) throws Exception {
    return ConfigLint.standard().lint(List.of(paths));
  }

  private void write(String name, String text) throws Exception {
    Files.writeString(dir.resolve(name), text);
  }

  /** {@code file:line: } of a finding in the broken set. */
  static String broken(String file, int line) {
    return BROKEN.resolve(file) + ":" + line + ": ";
  }

  /** {@code file:line: } of a finding in this test's directory. */
  private String at(String file, int line) {
    return dir.resolve(file) + ":" + line + ": ";
  }

  private static String deployment(String name, int replicas) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\nspec:\n  replicas: " + replicas
        + "\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1\n";
  }

  /** A configmap labelled {@code app: APP} whose REPLICAS is on line 8 (9 with a namespace). */
  private static String replicasConfigmap(String namespace, String app, int replicas) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-" + app + "\n"
        + (namespace.isEmpty() ? "" : "  namespace: " + namespace + "\n")
        + "  labels:\n    app: " + app + "\ndata:\n  REPLICAS: \"" + replicas + "\"\n";
  }

  private static String hpa(String target, String namespace, int min, int max) {
    return "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: " + target
        + (namespace.isEmpty() ? "\n  labels: {}" : "\n  namespace: " + namespace) + "\nspec:\n  scaleTargetRef:\n"
        + "    kind: Deployment\n    name: " + target + "\n  minReplicas: " + min + "\n  maxReplicas: " + max + "\n";
  }
}
