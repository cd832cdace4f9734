package io.syncroutes.infra;

import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.spi.RouteController;

import java.util.List;
import java.util.Map;

/**
 * Readiness: the routes have been started. With the supervising route controller, routes start in the background
 * after the Camel context (and only then get their own health checks), so without this check the app would look
 * ready for a moment before its routes run; routes still being retried are reported too.
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
        RouteController controller = getCamelContext().getRouteController();
        if (!getCamelContext().isStarted() || controller.isStartingRoutes()) {
            builder.message("routes are being started").down();
            return;
        }
        if (controller.isSupervising() && !controller.supervising().getRestartingRoutes().isEmpty()) {
            builder.message("routes retried until they start: " + controller.supervising().getRestartingRoutes().stream()
                    .map(Route::getRouteId).toList()).down();
            return;
        }
        List<String> notStarted = getCamelContext().getRoutes().stream()
                .filter(Route::isAutoStartup)
                .filter(route -> controller.getRouteStatus(route.getRouteId()) != ServiceStatus.Started)
                .map(Route::getRouteId)
                .toList();
        if (notStarted.isEmpty()) {
            builder.up();
        } else {
            builder.message("routes not started: " + notStarted).down();
        }
    }
}
