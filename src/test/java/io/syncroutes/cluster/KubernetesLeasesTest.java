package io.syncroutes.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncroutes.RunningApp;
import io.syncroutes.infra.Leadership;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CLUSTER_SERVICE=kubernetes against a Kubernetes API server in this JVM (fabric8's mock server in CRUD mode, which
 * stores what it is sent as the API server does): three instances of the app, each with its pod in the API server.
 * Exactly one leads each namespace and holds its Lease; a leader whose pod stops being Ready steps down and another
 * takes over, never two at once; a leader that stops, its pod gone, is replaced within CLUSTER_LEADER_TIMEOUT_MS +
 * CLUSTER_CHECK_INTERVAL_MS. Every call the cluster service made is one the Role in deploy/kubernetes allows, and the
 * Role allows nothing it did not use.
 */
class KubernetesLeasesTest {

    private static final String NAMESPACE = "sync";
    private static final long CHECK_INTERVAL_MS = 500;
    private static final long LEADER_TIMEOUT_MS = 2_000;
    /** Allowance for a loaded machine on top of the times the settings promise. */
    private static final long SLACK_MS = 2_500;
    private static final List<String> GROUPS = List.of("workorders-inbound", "workorders-export");
    private static final String TEST_AGENT = "sync-routes-test";
    private static final Pattern API_PATH = Pattern.compile(
            "^/(?:api/v1|apis/([^/]+)/[^/]+)/namespaces/([^/]+)/([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?(?:\\?(.*))?$");

    @TempDir
    Path tmp;

    private KubernetesMockServer server;
    private KubernetesClient kubernetes;
    private final Map<String, Main> instances = new LinkedHashMap<>();

    @BeforeEach
    void startApiServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        String url = "http://127.0.0.1:" + server.getPort();
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url).withNamespace(NAMESPACE).withUserAgent(TEST_AGENT).build();
        kubernetes = new KubernetesClientBuilder().withConfig(config).build();
        // the instances' clients configure themselves as in a pod, from these (no kubeconfig, no service-account files);
        // their default namespace is another one than CLUSTER_KUBERNETES_NAMESPACE, which must win
        System.setProperty("kubernetes.master", url);
        System.setProperty("kubernetes.namespace", "default");
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    }

    @AfterEach
    void stopAll() {
        for (Main instance : instances.values()) {
            instance.stop();
        }
        System.clearProperty("kubernetes.master");
        System.clearProperty("kubernetes.namespace");
        System.clearProperty("kubernetes.auth.tryKubeConfig");
        System.clearProperty("kubernetes.auth.tryServiceAccount");
        kubernetes.close();
        server.destroy();
    }

    @Test
    void oneLeaderPerNamespaceAndLeadershipMovesWhenTheLeaderIsNotReadyOrGone() throws Exception {
        for (String pod : List.of("sync-routes-a", "sync-routes-b", "sync-routes-c")) {
            createReadyPod(pod);
            instances.put(pod, RunningApp.start(properties(pod)));
        }

        // exactly one leads each namespace, and it holds that namespace's Lease
        for (String group : GROUPS) {
            String leader = await().atMost(Duration.ofSeconds(30)).until(() -> soleLeader(group, instances.keySet()), l -> l != null);
            assertThat(lease(group).getSpec().getHolderIdentity()).isEqualTo(leader);
        }
        Map<String, String> leaders = new HashMap<>();
        GROUPS.forEach(g -> leaders.put(g, soleLeader(g, instances.keySet())));
        // and it stays so: sampled over six checks, never a second leader, and the Leases do not move
        long until = System.currentTimeMillis() + 6 * CHECK_INTERVAL_MS;
        while (System.currentTimeMillis() < until) {
            for (String group : GROUPS) {
                assertThat(leadersOf(group, instances.keySet())).as("leaders of " + group).isSubsetOf(leaders.get(group));
            }
            Thread.sleep(20);
        }
        for (String group : GROUPS) {
            assertThat(lease(group).getSpec().getHolderIdentity()).isEqualTo(leaders.get(group));
            assertThat(Objects.requireNonNullElse(lease(group).getSpec().getLeaseTransitions(), 0)).as("no hand-over yet").isZero();
        }

        // the leader's pod stops being Ready (its readiness probe fails): it is no longer a member, another pod takes
        // its Leases and leads after waiting out the lease duration; never two at once
        String group = "workorders-inbound";
        String unready = leaders.get(group);
        long notReadyAt = markReady(unready, false);
        String second = null;
        while (second == null && System.currentTimeMillis() - notReadyAt < 30_000) {
            List<String> now = leadersOf(group, instances.keySet());
            assertThat(now).as("leaders of " + group + " during the hand-over").hasSizeLessThanOrEqualTo(1);
            if (now.size() == 1 && !now.contains(unready)) {
                second = now.get(0);
            }
            Thread.sleep(10);
        }
        long handOver = System.currentTimeMillis() - notReadyAt;
        assertThat(second).as("a new leader of " + group).isNotNull();
        assertThat(handOver).as("hand-over after the leader's pod left Ready")
                .isGreaterThanOrEqualTo(LEADER_TIMEOUT_MS).isLessThan(LEADER_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS);
        assertThat(lease(group).getSpec().getHolderIdentity()).isEqualTo(second);
        assertThat(lease(group).getSpec().getLeaseTransitions()).isPositive();
        for (String g : GROUPS) {
            await().atMost(Duration.ofSeconds(30)).until(() -> soleLeader(g, instances.keySet()) != null);
            assertThat(soleLeader(g, instances.keySet())).as("the leader of " + g + " is a Ready pod").isNotEqualTo(unready);
        }

        // the new leader stops and its pod is deleted, as Kubernetes does on a rollout or a drain: the last Ready pod
        // leads every namespace within the lease duration and one check
        instances.remove(second).stop();
        String gone = second;
        long goneAt = System.currentTimeMillis();
        // the mock server removes the pod at once; the client's answer comes later, so it is not waited for here
        CompletableFuture<?> deleted = CompletableFuture.runAsync(() -> kubernetes.pods().inNamespace(NAMESPACE).withName(gone).delete());
        String third = instances.keySet().stream().filter(p -> !p.equals(unready)).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> third.equals(soleLeader(group, instances.keySet())));
        long failover = System.currentTimeMillis() - goneAt;
        assertThat(failover).as("failover after the leader's pod was gone")
                .isGreaterThanOrEqualTo(LEADER_TIMEOUT_MS).isLessThan(LEADER_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS);
        deleted.get(30, TimeUnit.SECONDS);
        for (String g : GROUPS) {
            await().atMost(Duration.ofSeconds(30)).until(() -> third.equals(soleLeader(g, instances.keySet())));
            assertThat(lease(g).getSpec().getHolderIdentity()).isEqualTo(third);
        }

        assertTheRoleAllowsExactlyWhatWasCalled();
    }

    /** The Role of deploy/kubernetes allows every request the instances made, and grants no verb they did not use. */
    private void assertTheRoleAllowsExactlyWhatWasCalled() throws InterruptedException {
        List<PolicyRule> rules = KubernetesManifests.role(KubernetesManifests.parse(KubernetesManifests.BASE.resolve("rbac.yaml")),
                "sync-routes-leader").getRules();
        Set<String> used = new TreeSet<>();
        int requests = 0;
        RecordedRequest request;
        while ((request = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
            if (TEST_AGENT.equals(request.getHeader("User-Agent"))) {
                continue;
            }
            requests++;
            ApiCall call = ApiCall.of(request.getMethod(), request.getPath());
            assertThat(call.namespace()).as(call.toString()).isEqualTo(NAMESPACE);
            assertThat(KubernetesManifests.allows(rules, call.verb(), call.apiGroup(), call.resource(), call.name()))
                    .as("the Role allows " + call).isTrue();
            used.add(call.verb() + " " + call.resource() + "." + call.apiGroup());
        }
        assertThat(requests).as("requests of the cluster service").isGreaterThan(20);
        Set<String> granted = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String verb : rule.getVerbs()) {
                for (String resource : rule.getResources()) {
                    rule.getApiGroups().forEach(g -> granted.add(verb + " " + resource + "." + g));
                }
            }
        }
        assertThat(used).as("what the cluster service called").isEqualTo(granted);
    }

    /** One request to the API server as RBAC sees it. */
    private record ApiCall(String verb, String apiGroup, String resource, String namespace, String name) {

        static ApiCall of(String method, String path) {
            Matcher m = API_PATH.matcher(path);
            assertThat(m.matches()).as("a namespaced API path: " + method + " " + path).isTrue();
            assertThat(m.group(5)).as("no subresource: " + path).isNull();
            String group = m.group(1) == null ? "" : m.group(1);
            String name = m.group(4);
            boolean watch = m.group(6) != null && m.group(6).contains("watch=true");
            String verb = switch (method) {
                case "GET" -> name != null ? "get" : watch ? "watch" : "list";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> name != null ? "delete" : "deletecollection";
                default -> throw new AssertionError("unexpected method " + method + " " + path);
            };
            return new ApiCall(verb, group, m.group(3), m.group(2), name);
        }

        @Override
        public String toString() {
            return verb + " " + resource + (apiGroup.isEmpty() ? "" : "." + apiGroup) + (name == null ? "" : "/" + name) + " in " + namespace;
        }
    }

    private Map<String, String> properties(String pod) {
        Map<String, String> props = RunningApp.embeddedProperties(tmp);
        props.put("cluster.service", "kubernetes");
        props.put("cluster.kubernetes.namespace", NAMESPACE);
        props.put("cluster.kubernetes.pod", pod);
        props.put("cluster.check-interval-ms", String.valueOf(CHECK_INTERVAL_MS));
        props.put("cluster.leader-timeout-ms", String.valueOf(LEADER_TIMEOUT_MS));
        return props;
    }

    /** A pod as the kubelet reports it once its readiness probe passes: Running, condition Ready. */
    private void createReadyPod(String name) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .addToLabels("app.kubernetes.io/name", "sync-routes").endMetadata()
                .withNewSpec().addNewContainer().withName("sync-routes").withImage("sync-routes").endContainer().endSpec()
                .build();
        kubernetes.pods().inNamespace(NAMESPACE).resource(pod).create();
        markReady(name, true);
    }

    /** Sets the pod's Ready condition (as the kubelet does after its readiness probe); returns when that was. */
    private long markReady(String name, boolean ready) {
        kubernetes.pods().inNamespace(NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p).withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus().build());
        return System.currentTimeMillis();
    }

    private Lease lease(String group) {
        return kubernetes.leases().inNamespace(NAMESPACE).withName("sync-routes-" + group).get();
    }

    private List<String> leadersOf(String group, Set<String> among) {
        List<String> leaders = new ArrayList<>();
        for (String pod : among) {
            Main instance = instances.get(pod);
            if (instance != null && Leadership.of(instance.getCamelContext()).leads(group)) {
                leaders.add(pod);
            }
        }
        return leaders;
    }

    /** The one instance leading {@code group}, or null (none, or several). */
    private String soleLeader(String group, Set<String> among) {
        List<String> leaders = leadersOf(group, among);
        return leaders.size() == 1 ? leaders.get(0) : null;
    }
}
