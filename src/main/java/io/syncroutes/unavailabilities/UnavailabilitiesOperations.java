package io.syncroutes.unavailabilities;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/** {@code io.syncroutes:type=Operations,flow=unavailabilities}: run the sync on demand through the route. */
public final class UnavailabilitiesOperations implements UnavailabilitiesOperationsMBean {

    private final CamelContext context;
    private final UnavailabilitiesSync sync;

    public UnavailabilitiesOperations(CamelContext context, UnavailabilitiesSync sync) {
        this.context = context;
        this.sync = sync;
    }

    @Override
    public String runNow() {
        if (sync.isRunning()) {
            return "skipped: a run is in progress";
        }
        try (ProducerTemplate template = context.createProducerTemplate()) {
            return template.requestBody("direct:unavailabilities-run", "on demand", String.class);
        } catch (Exception e) {
            return "failed: " + e.getMessage();
        }
    }

    @Override
    public boolean isRunning() {
        return sync.isRunning();
    }
}
