package io.syncroutes.infra;

import io.syncroutes.App;
import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The app runs from any folder: without a routes/ folder it runs the routes packed in the jar; a ROUTES_DIR that does not exist stops it with one clear line. */
class RoutesLocationTest {

    @TempDir
    Path tmp;

    @Test
    void withoutARoutesFolderThePackedRoutesRun() throws Exception {
        int httpPort = SyncRoutesTestSupport.freePort();
        Path log = tmp.resolve("app.log");
        Process app = start(Map.of("HTTP_PORT", String.valueOf(httpPort), "MONGO_EMBEDDED_BACKEND", "memory",
                "MONGO_EMBEDDED_PORT", String.valueOf(SyncRoutesTestSupport.freePort())), log);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("Routes startup"));
            List<String> lines = Files.readAllLines(log);
            assertThat(lines).filteredOn(l -> l.contains("running the routes packed in the jar")).hasSize(1);
            assertThat(lines).anyMatch(l -> l.contains("Started workorders-inbound"));
            assertThat(lines).noneMatch(l -> l.contains(" ERROR ") || l.contains("NoSuchFileException"));
            assertThat(tmp.resolve("routes")).doesNotExist();
        } finally {
            app.destroy();
            app.waitFor(20, TimeUnit.SECONDS);
            app.destroyForcibly().waitFor();
        }
    }

    @Test
    void aRoutesDirThatDoesNotExistIsOneClearErrorAndANonZeroExit() throws Exception {
        Path log = tmp.resolve("app.log");
        Process app = start(Map.of("ROUTES_DIR", tmp.resolve("no-such-folder").toString(),
                "HTTP_PORT", String.valueOf(SyncRoutesTestSupport.freePort())), log);
        try {
            assertThat(app.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(app.exitValue()).isNotZero();
        } finally {
            app.destroyForcibly().waitFor();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).filteredOn(l -> l.contains(" ERROR ")).singleElement()
                .satisfies(l -> assertThat(l).contains("ROUTES_DIR=").contains("no-such-folder"));
        assertThat(lines).noneMatch(l -> l.matches("^\\s+at \\S+\\(.*\\)$"));
    }

    /** The app in its own JVM, started in the temporary folder (no routes/ there), its routes from the classpath. */
    private Process start(Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), App.class.getName())
                .directory(tmp.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().remove("ROUTES_DIR");
        builder.environment().putAll(env);
        return builder.start();
    }
}
