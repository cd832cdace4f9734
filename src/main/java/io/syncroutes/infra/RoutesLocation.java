package io.syncroutes.infra;

import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the routes come from: ROUTES_DIR when set (it must exist), else the {@code routes/} folder of the working
 * directory, else the routes packed in the jar (read-only: live reload is off, and one line says how to edit them).
 */
public final class RoutesLocation {

    private static final Logger LOG = LoggerFactory.getLogger(RoutesLocation.class);
    private static final String PACKED = "classpath:routes/*.camel.yaml";

    private RoutesLocation() {
    }

    /**
     * Points {@code main} at the routes to run; returns false (after one ERROR line naming the variable) when
     * ROUTES_DIR names a folder that does not exist, and the app must not start.
     */
    public static boolean configure(Main main, String routesDirVariable, Path workingDir) {
        if (routesDirVariable != null && !routesDirVariable.isBlank()) {
            Path dir = workingDir.resolve(routesDirVariable);
            if (!Files.isDirectory(dir)) {
                LOG.error("ROUTES_DIR={} is not a folder (resolved to {}): set ROUTES_DIR to the folder holding the "
                        + "*.camel.yaml routes, or unset it to run the routes packed in the jar", routesDirVariable, dir.toAbsolutePath());
                return false;
            }
            return true;
        }
        if (Files.isDirectory(workingDir.resolve("routes"))) {
            return true;
        }
        main.addOverrideProperty("camel.main.routes-include-pattern", PACKED);
        main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        LOG.info("No routes/ folder in {} and ROUTES_DIR not set: running the routes packed in the jar. To edit them "
                + "live, extract them (unzip sync-routes.jar 'routes/*') and start from that folder, or set ROUTES_DIR "
                + "to their folder", workingDir.toAbsolutePath());
        return true;
    }
}
