package io.syncroutes.infra;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.ModelLifecycleStrategy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.support.PatternHelper;

import java.util.List;

/**
 * Routes that do not start with the app (autoStartup false), by id or pattern ({@code demo-*}); something else starts
 * them when needed. Camel's own {@code autoStartupExcludePattern} is not applied by the supervising route controller.
 */
public final class RoutesNotStarted implements ModelLifecycleStrategy {

    private final List<String> patterns;

    private RoutesNotStarted(List<String> patterns) {
        this.patterns = patterns;
    }

    /** From now on, the routes added whose id matches one of {@code patterns} are not started with the app. */
    public static void install(CamelContext context, List<String> patterns) {
        context.getCamelContextExtension().getContextPlugin(Model.class).addModelLifecycleStrategy(new RoutesNotStarted(List.copyOf(patterns)));
    }

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        String id = route.getRouteId();
        if (id != null && patterns.stream().anyMatch(pattern -> PatternHelper.matchPattern(id, pattern))) {
            route.setAutoStartup("false");
        }
    }

    @Override
    public void onRemoveRouteDefinition(RouteDefinition route) {
    }

    @Override
    public void onAddRouteTemplateDefinition(RouteTemplateDefinition template) {
    }

    @Override
    public void onRemoveRouteTemplateDefinition(RouteTemplateDefinition template) {
    }
}
