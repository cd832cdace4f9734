package io.syncroutes.unavailabilities;

import io.syncroutes.shared.Failures;
import io.syncroutes.shared.OAuth2TokenProvider;
import io.syncroutes.shared.RetryPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What a failed call or step of a run was, in the words of the run line: the call ({@code GET /resources/resource
 * on master}), then what Qargo answered or why it could not be reached. Never a token or a secret: the token
 * endpoint's answer is reported by its status only.
 */
final class UnavailabilitiesFailures {

    private final Map<String, QargoConnection> environments;
    private final RetryPolicy retryPolicy;

    UnavailabilitiesFailures(QargoConnection master, QargoConnection local, RetryPolicy retryPolicy) {
        this.environments = Map.of(master.environment(), master, local.environment(), local);
        this.retryPolicy = retryPolicy;
    }

    boolean runInProgress(Exchange exchange) {
        return caught(exchange) instanceof RunInProgressException;
    }

    /** A call still answered 429 once its retries are spent. */
    boolean stillRateLimited(Exchange exchange) {
        HttpOperationFailedException http = Failures.find(caught(exchange), HttpOperationFailedException.class);
        return http != null && http.getStatusCode() == 429;
    }

    /** Why the run cannot go on now. */
    String stopReason(Exchange exchange) {
        Throwable cause = caught(exchange);
        QargoCall call = exchange.getProperty(QargoCall.PROPERTY, QargoCall.class);
        String environment = call == null ? "Qargo" : "Qargo " + call.environment();
        if (cause instanceof BudgetSpentException) {
            return cause.getMessage();
        }
        OAuth2TokenProvider.TokenException token = Failures.find(cause, OAuth2TokenProvider.TokenException.class);
        if (token != null) {
            return token.status() == 429 ? environment + " token endpoint rate-limited (429)"
                    : environment + " token request answered " + token.status();
        }
        HttpOperationFailedException http = Failures.find(cause, HttpOperationFailedException.class);
        if (http != null && retryPolicy.asksToWaitBeyondCap(exchange)) {
            Optional<Duration> after = retryPolicy.retryAfter(retryAfter(http));
            return environment + " asked to wait " + after.map(Duration::toSeconds).orElse(0L) + " s (" + http.getStatusCode()
                    + ", Retry-After), longer than QARGO_RETRY_MAX_DELAY_MS";
        }
        if (http != null) {
            return environment + " still rate-limiting (" + http.getStatusCode() + ") after its retries";
        }
        QargoConnection connection = call == null ? null : environments.get(call.environment());
        return environment + " unreachable" + (connection == null ? "" : " (" + connection.apiUrl() + ")") + ": " + describe(cause);
    }

    /** What went wrong with a call or step, e.g. {@code GET /resources/resource on master answered 500: {...}}. */
    String reason(Exchange exchange) {
        Throwable cause = caught(exchange);
        QargoCall call = exchange.getProperty(QargoCall.PROPERTY, QargoCall.class);
        HttpOperationFailedException http = Failures.find(cause, HttpOperationFailedException.class);
        if (http != null && call != null) {
            return call + " answered " + http.getStatusCode() + ": " + Failures.excerpt(http.getResponseBody());
        }
        return (call == null ? "" : call + ": ") + describe(cause);
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private static String retryAfter(HttpOperationFailedException http) {
        Map<String, String> headers = http.getResponseHeaders();
        return headers == null ? null : headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Retry-After"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private static Throwable caught(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return cause != null ? cause : exchange.getException();
    }
}
