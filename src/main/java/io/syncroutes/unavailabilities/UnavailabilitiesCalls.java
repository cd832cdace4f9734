package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

import java.io.IOException;

/**
 * The Qargo calls of a run (bean {@code unavailabilitiesCalls}): the page loop of {@code unavailabilities-read},
 * the local writes of {@code unavailabilities-pair}, and one request from the run's budget before every attempt of
 * a call ({@code unavailabilities-call}).
 */
public final class UnavailabilitiesCalls {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** One write made: counted (created, updated or deleted). */
    public void written(Exchange exchange) {
        UnavailabilitiesRun run = run(exchange);
        run.stats.increment(run.writes.remove().counter());
    }

    private static UnavailabilitiesRun run(Exchange exchange) {
        return exchange.getProperty(UnavailabilitiesRun.PROPERTY, UnavailabilitiesRun.class);
    }
}
