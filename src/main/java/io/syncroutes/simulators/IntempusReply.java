package io.syncroutes.simulators;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An answer of the Intempus simulator, as Django and tastypie shape it: status, body (empty: no Content-Type), headers. */
record IntempusReply(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON_TYPE = "application/json";
    static final String HTML_TYPE = "text/html; charset=utf-8";
    /** Django's page for a URL nothing answers (DEBUG off). */
    private static final String NOT_FOUND_PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <title>Not Found</title>
            </head>
            <body>
              <h1>Not Found</h1><p>The requested resource was not found on this server.</p>
            </body>
            </html>
            """;

    static IntempusReply empty(int status) {
        return new IntempusReply(status, null, new byte[0], Map.of());
    }

    static IntempusReply page(int status, String html) {
        return new IntempusReply(status, HTML_TYPE, html.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static IntempusReply notFoundPage() {
        return page(404, NOT_FOUND_PAGE);
    }

    static IntempusReply json(int status, byte[] body, long logicalTimestamp) {
        return new IntempusReply(status, JSON_TYPE, body, Map.of("logical-timestamp", String.valueOf(logicalTimestamp)));
    }

    static IntempusReply noContent(long logicalTimestamp) {
        return new IntempusReply(204, null, new byte[0], Map.of("logical-timestamp", String.valueOf(logicalTimestamp)));
    }

    static IntempusReply notAllowed(String allowed) {
        return new IntempusReply(405, null, new byte[0], Map.of("Allow", allowed));
    }

    static IntempusReply redirect(String location) {
        return new IntempusReply(301, null, new byte[0], Map.of("Location", location));
    }

    void send(HttpServerResponse response) {
        response.setStatusCode(status);
        if (contentType != null) {
            response.putHeader("Content-Type", contentType);
        }
        headers.forEach(response::putHeader);
        response.end(Buffer.buffer(body));
    }
}
