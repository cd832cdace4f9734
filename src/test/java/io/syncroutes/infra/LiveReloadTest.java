package io.syncroutes.infra;

import io.syncroutes.Http;
import io.syncroutes.SyncRoutesTestSupport;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Editing routes/*.camel.yaml while the app runs: an edited route changes behaviour within seconds, a new file
 * adds its routes, a file with a syntax error is reported and leaves the running routes alone. (On a copy of
 * the project's routes folder.)
 */
class LiveReloadTest extends SyncRoutesTestSupport {

    private static final String PROBE = """
            - route:
                id: probe
                from:
                  uri: platform-http:/probe
                  steps:
                    - setBody:
                        constant: %s
            """;

    @Override
    protected Properties properties() {
        Path routes = dir("routes");
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
            Files.writeString(routes.resolve("probe.camel.yaml"), PROBE.formatted("v1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties props = new Properties();
        props.put("routes.dir", routes.toString());
        return props;
    }

    @Test
    void editedAndAddedRoutesAreReloadedAndABrokenFileChangesNothing() throws Exception {
        Path routes = dir("routes");
        assertThat(Http.get(url("/probe")).body()).isEqualTo("v1");
        int routeCount = context.getRoutes().size();

        Files.writeString(routes.resolve("probe.camel.yaml"), PROBE.formatted("v2"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "v2".equals(Http.get(url("/probe")).body()));

        Files.writeString(routes.resolve("probe2.camel.yaml"), PROBE.formatted("added").replace("probe", "probe2"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "added".equals(Http.get(url("/probe2")).body()));

        Files.writeString(routes.resolve("probe.camel.yaml"), "- route:\n    id: probe\n    from: [this is not: valid\n");
        Thread.sleep(3_000);
        assertThat(Http.get(url("/probe")).body()).as("the last good version keeps running").isEqualTo("v2");
        assertThat(context.getRoutes()).hasSize(routeCount + 1);
        for (String id : new String[] {"workorders-inbound", "workorders-export"}) {
            assertThat(context.getRouteController().getRouteStatus(id)).isEqualTo(ServiceStatus.Started);
        }

        Files.writeString(routes.resolve("probe.camel.yaml"), PROBE.formatted("v3"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "v3".equals(Http.get(url("/probe")).body()));
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }
}
