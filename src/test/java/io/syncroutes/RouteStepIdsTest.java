package io.syncroutes;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every step of every route has an {@code id} (the {@code from} of a route too), so Hawtio's route diagram and
 * per-processor statistics read like the flow ({@code workorders-upsert-batch}, {@code workorders-write-files}), not {@code to3}.
 */
class RouteStepIdsTest {

    /** Route files whose missing ids are still to be added; remove a name once its file is complete. */
    private static final Set<String> PENDING = Set.of();

    @TestFactory
    Stream<DynamicTest> everyStepOfEveryRouteHasAnId() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("routes"))) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".camel.yaml"))
                    .filter(f -> !PENDING.contains(f.getFileName().toString())).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Object yaml = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
            List<String> missing = new ArrayList<>();
            walk(yaml, "", missing);
            assertThat(missing).as("steps without an id in " + file).isEmpty();
        }));
    }

    /** One name per flow: every id in {@code routes/<flow>.camel.yaml} starts with {@code <flow>-}. */
    @TestFactory
    Stream<DynamicTest> everyIdStartsWithItsFlowsName() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("routes"))) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String flow = file.getFileName().toString().replace(".camel.yaml", "");
            List<String> ids = new ArrayList<>();
            collectIds(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file)), ids);
            assertThat(ids).isNotEmpty();
            assertThat(ids).as("ids of " + file + " not starting with " + flow + "-").allMatch(id -> id.startsWith(flow + "-"));
            assertThat(ids).as("ids of " + file + " used twice").doesNotHaveDuplicates();
        }));
    }

    private static void collectIds(Object node, List<String> ids) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if ("id".equals(key) && value instanceof String id) {
                    ids.add(id);
                }
                collectIds(value, ids);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectIds(item, ids));
        }
    }

    private static void walk(Object node, String path, List<String> missing) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                String here = path + "/" + key;
                if ("from".equals(key) && !(value instanceof Map<?, ?> from && from.containsKey("id"))) {
                    missing.add(here);
                }
                if ("steps".equals(key) && value instanceof List<?> steps) {
                    for (int i = 0; i < steps.size(); i++) {
                        if (steps.get(i) instanceof Map<?, ?> step && step.size() == 1) {
                            Map.Entry<?, ?> eip = step.entrySet().iterator().next();
                            if (!(eip.getValue() instanceof Map<?, ?> body && body.containsKey("id"))) {
                                missing.add(here + "[" + i + "]/" + eip.getKey());
                            }
                        }
                    }
                }
                walk(value, here, missing);
            });
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", missing);
            }
        }
    }
}
