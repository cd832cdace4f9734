package io.syncroutes.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The manifests in deploy/kubernetes load as Kubernetes objects of known kinds with no unknown field, file by file
 * and as kustomize renders them (base and the repository-root kustomization), and fit together: the Deployment's
 * service account, settings, routes and data volume exist, selectors match the pods, the Role names the Lease of
 * every master: namespace of the routes, and the routes ConfigMap holds every routes/*.camel.yaml.
 */
class KubernetesManifestsTest {

    private static final String LEASE_PREFIX = "sync-routes-";
    private static final Pattern ROUTES_DIR = Pattern.compile("ROUTES_DIR=(\\S+)");

    @Test
    void everyFileLoadsAsKnownKubernetesObjects() {
        List<Path> files = new ArrayList<>(KubernetesManifests.baseResourceFiles());
        files.add(KubernetesManifests.BASE.resolve("secret.example.yaml"));
        List<HasMetadata> objects = new ArrayList<>();
        for (Path file : files) {
            List<HasMetadata> parsed = KubernetesManifests.parse(file);
            assertThat(parsed).as(file + " holds objects").isNotEmpty();
            assertThat(KubernetesManifests.unknownParts(parsed)).as("unknown kinds or fields in " + file).isEmpty();
            objects.addAll(parsed);
        }
        assertThat(objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet())).contains("ServiceAccount", "Role",
                "RoleBinding", "PersistentVolumeClaim", "Deployment", "Service", "PodDisruptionBudget", "CronJob", "Secret");

        Secret example = only(objects, Secret.class);
        assertThat(example.getStringData().values()).as("placeholders only").allMatch(v -> v.contains("PLACEHOLDER"));
        // every key of the example is a variable the app reads
        String properties = KubernetesManifests.read(Path.of("src", "main", "resources", "application.properties"));
        assertThat(example.getStringData().keySet()).allMatch(key -> properties.contains("{{env:" + key + ":"));
        fitTogether(objects, "sync-routes-settings", "sync-routes-routes");
        assertThat(KubernetesManifests.read(KubernetesManifests.BASE.resolve("settings.env"))).contains("CLUSTER_SERVICE=kubernetes");
    }

    @Test
    void theRenderedKustomizationsAreValidAndComplete() throws Exception {
        assumeTrue(KubernetesManifests.kubectlAvailable(), "kubectl is not installed: the rendering is not checked");
        List<HasMetadata> base = KubernetesManifests.parse(KubernetesManifests.render(KubernetesManifests.BASE));
        assertThat(KubernetesManifests.unknownParts(base)).isEmpty();

        List<HasMetadata> all = KubernetesManifests.parse(KubernetesManifests.render(KubernetesManifests.ROOT));
        assertThat(KubernetesManifests.unknownParts(all)).isEmpty();
        assertThat(all).allMatch(o -> "sync-routes".equals(o.getMetadata().getNamespace()), "every object in the namespace sync-routes");
        // the generated ConfigMaps carry a content hash in their name; the pods refer to those names
        ConfigMap settings = configMap(all, "sync-routes-settings-");
        ConfigMap routes = configMap(all, "sync-routes-routes-");
        fitTogether(all, settings.getMetadata().getName(), routes.getMetadata().getName());
        assertThat(settings.getData()).containsEntry("CLUSTER_SERVICE", "kubernetes");
        for (Map.Entry<String, String> route : routes.getData().entrySet()) {
            assertThat(route.getValue()).as(route.getKey()).isEqualTo(Files.readString(Path.of("routes", route.getKey())));
        }
        assertThat(new TreeSet<>(routes.getData().keySet())).as("every routes/*.camel.yaml").isEqualTo(routeFiles());
        RoleBinding binding = only(all, RoleBinding.class);
        assertThat(binding.getSubjects().get(0).getNamespace()).isEqualTo("sync-routes");
    }

    @Test
    void theRoleNamesTheLeaseOfEveryMasterNamespace() throws IOException {
        Role role = KubernetesManifests.role(KubernetesManifests.parse(KubernetesManifests.BASE.resolve("rbac.yaml")), "sync-routes-leader");
        Set<String> named = new TreeSet<>();
        for (PolicyRule rule : role.getRules()) {
            if (rule.getResourceNames() != null) {
                named.addAll(rule.getResourceNames());
            }
        }
        Set<String> leases = KubernetesManifests.masterNamespaces().stream().map(ns -> LEASE_PREFIX + ns).collect(Collectors.toCollection(TreeSet::new));
        assertThat(leases).contains("sync-routes-workorders-inbound", "sync-routes-cases");
        assertThat(named).as("the Leases the Role lets the pods read and update").isEqualTo(leases);
        String properties = KubernetesManifests.read(Path.of("src", "main", "resources", "application.properties"));
        assertThat(properties).as("the default lease name the Role assumes")
                .contains("{{env:CLUSTER_KUBERNETES_LEASE_NAME:" + LEASE_PREFIX.substring(0, LEASE_PREFIX.length() - 1) + "}}");
    }

    /** The objects refer to one another correctly (settings and routes ConfigMaps named as given). */
    private static void fitTogether(List<HasMetadata> objects, String settingsName, String routesName) {
        Deployment deployment = only(objects, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo(only(objects, ServiceAccount.class).getMetadata().getName());
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).as("the image's user").isEqualTo(10001L);
        Container app = pod.getContainers().get(0);
        assertThat(app.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/live");
        assertThat(app.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/ready");
        assertThat(app.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(app.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(app.getEnv()).anyMatch(e -> e.getName().equals("CLUSTER_KUBERNETES_POD")
                && e.getValueFrom().getFieldRef().getFieldPath().equals("metadata.name"));
        assertConfigured(app, pod, settingsName, routesName);

        Role role = KubernetesManifests.role(objects, "sync-routes-leader");
        RoleBinding binding = only(objects, RoleBinding.class);
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(pod.getServiceAccountName());
        });

        PersistentVolumeClaim data = only(objects, PersistentVolumeClaim.class);
        assertThat(data.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
        assertThat(only(objects, Service.class).getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(only(objects, PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());

        CronJob once = only(objects, CronJob.class);
        assertThat(once.getSpec().getSuspend()).as("an example until enabled").isTrue();
        PodSpec job = once.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        Container run = job.getContainers().get(0);
        assertThat(run.getArgs()).first().isEqualTo("--once");
        assertThat(run.getImage()).isEqualTo(app.getImage());
        assertThat(run.getEnv()).anyMatch(e -> e.getName().equals("CLUSTER_SERVICE") && e.getValue().equals("none"));
        assertConfigured(run, job, settingsName, routesName);
    }

    /** The container reads the settings and the credentials, mounts the routes at the image's ROUTES_DIR and the data volume at /data. */
    private static void assertConfigured(Container container, PodSpec pod, String settingsName, String routesName) {
        List<EnvFromSource> from = container.getEnvFrom();
        assertThat(from.get(0).getConfigMapRef().getName()).isEqualTo(settingsName);
        assertThat(from.get(1).getSecretRef().getName()).as("the Secret overrides the settings").isEqualTo("sync-routes-credentials");
        assertThat(mountedVolume(container, pod, routesDirOfImage()).getConfigMap().getName()).isEqualTo(routesName);
        assertThat(mountedVolume(container, pod, "/data").getPersistentVolumeClaim().getClaimName()).isEqualTo("sync-routes-data");
    }

    private static Volume mountedVolume(Container container, PodSpec pod, String path) {
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
        return pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
    }

    /** ROUTES_DIR as the Dockerfile sets it. */
    private static String routesDirOfImage() {
        String dockerfile = KubernetesManifests.read(Path.of("Dockerfile"));
        Matcher m = ROUTES_DIR.matcher(dockerfile);
        assertThat(m.find()).as("ROUTES_DIR in the Dockerfile").isTrue();
        return m.group(1);
    }

    private static ConfigMap configMap(List<HasMetadata> objects, String prefix) {
        return objects.stream().filter(o -> o instanceof ConfigMap && o.getMetadata().getName().startsWith(prefix)).map(ConfigMap.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + prefix + "<hash>"));
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> matching = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(matching).as("one " + type.getSimpleName()).hasSize(1);
        return matching.get(0);
    }

    private static Set<String> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".camel.yaml")).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
