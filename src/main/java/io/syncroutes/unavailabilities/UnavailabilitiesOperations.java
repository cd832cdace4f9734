package io.syncroutes.unavailabilities;

import io.syncroutes.shared.Provenance;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

import java.util.function.BooleanSupplier;

/** {@code io.syncroutes:type=Operations,flow=unavailabilities}: run the sync on demand through the route. */
public final class UnavailabilitiesOperations implements UnavailabilitiesOperationsMBean {

    private final CamelContext context;
    private final UnavailabilitiesSync sync;
    private final BooleanSupplier leading;

    /** {@code leading}: whether this instance leads the flow (several instances: only the leader runs it). */
    public UnavailabilitiesOperations(CamelContext context, UnavailabilitiesSync sync, BooleanSupplier leading) {
        this.context = context;
        this.sync = sync;
        this.leading = leading;
    }

    @Override
    public String runNow() {
        if (!leading.getAsBoolean()) {
            return "skipped: another instance leads the unavailabilities sync (CLUSTER_SERVICE); run it there";
        }
        if (sync.isRunning()) {
            return "skipped: a run is in progress";
        }
        try (ProducerTemplate template = context.createProducerTemplate()) {
            return template.requestBodyAndHeader("direct:unavailabilities-run", "on demand", Provenance.TRIGGER_HEADER, "jmx", String.class);
        } catch (Exception e) {
            return "failed: " + e.getMessage();
        }
    }

    @Override
    public boolean isRunning() {
        return sync.isRunning();
    }
}
