package io.syncroutes.infra;

import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.List;
import java.util.Map;

/**
 * Readiness: every route that should run has started. With the supervising route controller, routes start in the
 * background after the Camel context, so without this check the app would look ready for a moment before its routes
 * (and their own health checks) exist.
 */
public final class RoutesStartedHealthCheck extends AbstractHealthCheck {

    public RoutesStartedHealthCheck() {
        super("sync-routes", "routes-started");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> notStarted = getCamelContext().getRoutes().stream()
                .filter(Route::isAutoStartup)
                .filter(route -> getCamelContext().getRouteController().getRouteStatus(route.getRouteId()) != ServiceStatus.Started)
                .map(Route::getRouteId)
                .toList();
        if (notStarted.isEmpty() && getCamelContext().isStarted()) {
            builder.up();
        } else {
            builder.message("routes not started: " + notStarted).down();
        }
    }
}
