package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * One call the flow makes to a Qargo environment: {@code unavailabilities-call} sends it with camel-http, to the
 * environment's API URL plus {@code path}, with {@code query} (already encoded, or null) and a JSON {@code body} (or
 * null).
 */
record QargoCall(String environment, String method, String path, String query, JsonNode body) {

    /** Exchange property holding the call in progress (read back to describe a failure). */
    static final String PROPERTY = "qargoCall";
    /** Exchange property naming the call's environment ({@code master} or {@code local}), for the route's choice. */
    static final String ENVIRONMENT = "qargoEnvironment";

    /** Makes the exchange's message this call's request; nothing of an earlier call's answer is sent along. */
    void applyTo(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_METHOD, method);
        message.setHeader(Exchange.HTTP_PATH, path);
        if (query != null && !query.isEmpty()) {
            message.setHeader(Exchange.HTTP_QUERY, query);
        }
        message.setHeader("Accept", "application/json");
        if (body != null) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            message.setBody(body.toString());
        } else {
            message.setBody(null);
        }
        exchange.setProperty(PROPERTY, this);
        exchange.setProperty(ENVIRONMENT, environment);
    }

    @Override
    public String toString() {
        return method + " " + path + " on " + environment;
    }
}
