package io.syncroutes.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncroutes.shared.Failures;
import io.syncroutes.shared.Secrets;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * An answer of Intempus the flow cannot use, in one line an operator reads: its status and what its body is (empty,
 * not JSON, or JSON), with the body's first {@value #EXCERPT} characters and the configured secrets masked, e.g.
 * {@code Intempus answered 404 with an empty body} or {@code Intempus answered 502 with a non-JSON body: <html>...}.
 */
final class IntempusAnswers {

    private static final int EXCERPT = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Secrets secrets;

    IntempusAnswers(Secrets secrets) {
        this.secrets = secrets;
    }

    /** The answer {@code status} with {@code body} (null or blank: an empty body). */
    String describe(int status, String body) {
        return describe("Intempus answered " + status, body);
    }

    /**
     * Why a call to Intempus failed: an HTTP error status described like {@link #describe} with the URL it answered,
     * anything else as {@link Failures} words it; secrets masked.
     */
    String reason(Throwable cause) {
        HttpOperationFailedException http = Failures.find(cause, HttpOperationFailedException.class);
        if (http != null) {
            return describe("Intempus answered " + http.getStatusCode() + " to " + http.getUri(), http.getResponseBody());
        }
        return secrets.mask(Failures.of(cause).reason());
    }

    /** {@code text} with the configured secrets masked. */
    String mask(String text) {
        return secrets.mask(text);
    }

    /** The first {@value #EXCERPT} characters of a body, on one line, secrets masked. */
    String excerpt(String body) {
        // masked before it is cut, so no part of a secret survives the cut
        return Failures.excerpt(secrets.mask(body), EXCERPT);
    }

    /** Whether {@code body} is JSON (an empty body is not). */
    static boolean isJson(String body) {
        if (body == null || body.isBlank()) {
            return false;
        }
        try {
            JSON.readTree(body);
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private String describe(String answered, String body) {
        if (body == null || body.isBlank()) {
            return secrets.mask(answered) + " with an empty body";
        }
        if (!isJson(body)) {
            return secrets.mask(answered) + " with a non-JSON body: " + excerpt(body);
        }
        return secrets.mask(answered) + ": " + excerpt(body);
    }
}
