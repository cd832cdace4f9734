package io.syncroutes.infra;

import io.syncroutes.RunningApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** An app that cannot start (here: a route file naming a setting that does not exist) says why in one line and exits 1. */
class StartFailureTest {

    @Test
    void aRouteFileThatCannotLoadStopsTheAppWithItsReason(@TempDir Path tmp) throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.writeString(routes.resolve(file.getFileName()), Files.readString(file)
                        .replace("{{workorders.dry-run-on}}", "{{no.such.setting}}"));
            }
        }
        Map<String, String> env = RunningApp.embeddedEnv(tmp);
        env.put("ROUTES_DIR", routes.toString());
        Path log = tmp.resolve("app.log");
        Process app = RunningApp.startProcess(env, log);

        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as("the JVM exits").isTrue();
        assertThat(app.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log)).contains("sync-routes did not start: Property with key [no.such.setting] not found");
    }
}
