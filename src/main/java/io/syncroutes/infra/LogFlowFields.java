package io.syncroutes.infra;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import net.logstash.logback.composite.AbstractJsonProvider;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * JSON log fields {@code flow} and {@code route}: the Camel route the event was logged in (Camel's MDC), and the flow
 * that route or the logging class belongs to, so a log platform can filter one flow's lines.
 */
public final class LogFlowFields extends AbstractJsonProvider<ILoggingEvent> {

    private static final Set<String> FLOWS = Set.of("workorders", "products", "cases", "resources", "unavailabilities");
    private static final String ROUTE_KEY = "camel.routeId";
    private static final String PACKAGE = "io.syncroutes.";

    @Override
    public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String route = mdc == null ? null : mdc.get(ROUTE_KEY);
        String flow = flowOf(route, event.getLoggerName());
        if (flow != null) {
            generator.writeStringField("flow", flow);
        }
        if (route != null) {
            generator.writeStringField("route", route);
        }
    }

    /** The flow named by the route id's first part ({@code cases-sync-run}), else by the logger's package. */
    static String flowOf(String route, String logger) {
        if (route != null) {
            int dash = route.indexOf('-');
            String first = dash < 0 ? route : route.substring(0, dash);
            if (FLOWS.contains(first)) {
                return first;
            }
        }
        if (logger != null && logger.startsWith(PACKAGE)) {
            int end = logger.indexOf('.', PACKAGE.length());
            String pkg = end < 0 ? null : logger.substring(PACKAGE.length(), end);
            if (FLOWS.contains(pkg)) {
                return pkg;
            }
        }
        return null;
    }
}
