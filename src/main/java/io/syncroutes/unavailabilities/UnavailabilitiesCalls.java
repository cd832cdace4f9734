package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncroutes.shared.FlowState;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Qargo calls of a run (bean {@code unavailabilitiesCalls}): the page loop of {@code unavailabilities-read},
 * the local writes of {@code unavailabilities-pair}, and one request from the run's budget before every attempt of
 * a call ({@code unavailabilities-call}).
 */
public final class UnavailabilitiesCalls {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FlowState state;

    UnavailabilitiesCalls(FlowState state) {
        this.state = state;
    }

    /** Takes one request from the budget of the call's environment; spent: no request is made, the run stops. */
    public void takeRequest(Exchange exchange) throws BudgetSpentException {
        QargoCall call = exchange.getProperty(QargoCall.PROPERTY, QargoCall.class);
        run(exchange).budget(call.environment()).take();
    }

    /** Whether the lists being read have another page (the page loop's condition). */
    public boolean hasNextPage(Exchange exchange) {
        UnavailabilitiesRun run = run(exchange);
        return run != null && run.reads != null && run.reads.hasNextPage();
    }

    public void pageRequest(Exchange exchange) {
        run(exchange).reads.nextPage().applyTo(exchange);
    }

    /** One page answered: its items kept, its cursor followed. */
    public void page(Exchange exchange) throws IOException {
        String body = exchange.getMessage().getBody(String.class);
        run(exchange).reads.page(JSON.readTree(body == null || body.isBlank() ? "{}" : body));
    }

    /** Whether the pair has another local write to make (the write loop's condition). */
    public boolean hasNextWrite(Exchange exchange) {
        UnavailabilitiesRun run = run(exchange);
        return run != null && !run.writes.isEmpty();
    }

    public void writeRequest(Exchange exchange) {
        run(exchange).writes.element().call().applyTo(exchange);
    }

    /**
     * One write made: counted (created, updated or deleted) and named in the ledger by the local unavailability's id
     * (a created one's from Qargo's answer), with its master id.
     */
    public void written(Exchange exchange) {
        UnavailabilitiesRun run = run(exchange);
        UnavailabilityDiff.Write write = run.writes.remove();
        run.stats.increment(write.counter());
        String localId = write.localId();
        if (localId == null) {
            localId = createdId(exchange.getMessage().getBody(String.class));
        }
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("masterId", write.masterId());
        FleetMatcher.Pair pair = run.current();
        if (pair != null) {
            source.put("masterFleetResource", pair.masterId());
            source.put("localFleetResource", pair.localId());
        }
        state.ledger("unavailabilities", localId != null ? localId : write.masterId(), write.counter(), source, run.stats.runId());
    }

    /** The id in Qargo's answer to a create, or null. */
    private static String createdId(String body) {
        try {
            JsonNode created = body == null || body.isBlank() ? null : JSON.readTree(body);
            return created != null && created.hasNonNull("id") ? created.get("id").asText() : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    private static UnavailabilitiesRun run(Exchange exchange) {
        return exchange.getProperty(UnavailabilitiesRun.PROPERTY, UnavailabilitiesRun.class);
    }
}
