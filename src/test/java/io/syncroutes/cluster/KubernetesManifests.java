package io.syncroutes.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Kubernetes manifests of {@code deploy/kubernetes} read as the API server would type them: every YAML document
 * becomes a fabric8 model object, and a field the model does not know is reported (the API server refuses those).
 */
final class KubernetesManifests {

    static final Path BASE = Path.of("deploy", "kubernetes");
    /** The kustomization at the repository root: the base plus the routes ConfigMap. */
    static final Path ROOT = Path.of(".");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern MASTER_NAMESPACE = Pattern.compile("uri: master:([a-z0-9-]+):");

    private KubernetesManifests() {
    }

    /** The documents of a YAML text as typed Kubernetes objects (GenericKubernetesResource for a kind fabric8 does not know). */
    static List<HasMetadata> parse(String yaml) {
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
        }
    }

    static List<HasMetadata> parse(Path file) {
        return parse(read(file));
    }

    /** A kustomization.yaml as a tree. */
    static JsonNode kustomization(Path dir) {
        try {
            return YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files the base's kustomization lists as resources. */
    static List<Path> baseResourceFiles() {
        List<Path> files = new ArrayList<>();
        kustomization(BASE).path("resources").forEach(r -> files.add(BASE.resolve(r.asText())));
        return files;
    }

    /** The output of {@code kubectl kustomize dir}, or an AssertionError with kubectl's message. */
    static String render(Path dir) throws IOException, InterruptedException {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        byte[] out = kubectl.getInputStream().readAllBytes();
        String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
            throw new AssertionError("kubectl kustomize " + dir + " failed: " + err);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Whether {@code kubectl} runs here. */
    static boolean kubectlAvailable() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * What in these objects the API server would not accept as typed: a kind fabric8 does not know, or a field its
     * model does not have (kept aside as an "additional property"); empty when everything is known.
     */
    static List<String> unknownParts(List<HasMetadata> objects) {
        List<String> unknown = new ArrayList<>();
        for (HasMetadata object : objects) {
            String name = object.getKind() + "/" + object.getMetadata().getName();
            if (object instanceof GenericKubernetesResource) {
                unknown.add(name + ": kind " + object.getApiVersion() + " " + object.getKind() + " unknown");
            } else {
                collectUnknownFields(object, name, unknown);
            }
        }
        return unknown;
    }

    private static void collectUnknownFields(Object value, String path, List<String> unknown) {
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknownFields(v, path + "." + k, unknown));
            return;
        }
        if (value == null || !value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": unknown field(s) " + extra.keySet());
                }
            } else {
                collectUnknownFields(field, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }

    /** The Role named {@code name} among these objects. */
    static Role role(List<HasMetadata> objects, String name) {
        return objects.stream().filter(o -> o instanceof Role && o.getMetadata().getName().equals(name)).map(Role.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no Role " + name));
    }

    /** Whether one of these rules allows {@code verb} on {@code resource} (named {@code name}, or null) of {@code apiGroup}. */
    static boolean allows(List<PolicyRule> rules, String verb, String apiGroup, String resource, String name) {
        return rules.stream().anyMatch(rule -> rule.getVerbs().contains(verb) && rule.getApiGroups().contains(apiGroup)
                && rule.getResources().contains(resource)
                && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                        || name != null && rule.getResourceNames().contains(name)));
    }

    /** The namespaces of the routes' {@code master:<namespace>:} endpoints, in routes/*.camel.yaml. */
    static List<String> masterNamespaces() throws IOException {
        List<String> namespaces = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                Matcher m = MASTER_NAMESPACE.matcher(Files.readString(file));
                while (m.find()) {
                    namespaces.add(m.group(1));
                }
            }
        }
        return namespaces;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
