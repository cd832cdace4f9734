package io.syncroutes.shared;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * The delay before the next redelivery of a failed remote call: exponential backoff with jitter, capped, or the
 * server's {@code Retry-After} (seconds or an HTTP date) when it asks for longer. Used as a route's
 * {@code onExceptionOccurredRef}: it sets {@code CamelRedeliveryDelay}, which Camel's redelivery honours.
 */
public final class RetryPolicy implements Processor {

    /** A Retry-After longer than this is not believed; the call is retried after this long. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(15);
    private static final Set<Integer> TRANSIENT_STATUSES = Set.of(408, 429, 500, 502, 503, 504);

    private final Duration base;
    private final double multiplier;
    private final Duration cap;
    private final double jitter;
    private final Clock clock;

    /**
     * @param jitter fraction of the delay drawn at random either way (0.2 = ±20 %)
     */
    public RetryPolicy(Duration base, double multiplier, Duration cap, double jitter, Clock clock) {
        this.base = base;
        this.multiplier = multiplier;
        this.cap = cap;
        this.jitter = jitter;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        int redeliveries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        HttpOperationFailedException http = Failures.find(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class),
                HttpOperationFailedException.class);
        Optional<Duration> retryAfter = http == null ? Optional.empty() : retryAfter(header(http.getResponseHeaders(), "Retry-After"));
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delay(redeliveries + 1, retryAfter).toMillis());
    }

    /**
     * Whether a failure is worth retrying: I/O errors, timeouts, a connection closed under a call, a token request
     * that failed, and the HTTP statuses 408, 429, 500, 502, 503, 504.
     */
    public boolean isTransient(Exchange exchange) {
        Throwable cause = caught(exchange);
        HttpOperationFailedException http = Failures.find(cause, HttpOperationFailedException.class);
        if (http != null) {
            return TRANSIENT_STATUSES.contains(http.getStatusCode());
        }
        return Failures.find(cause, IOException.class) != null
                || Failures.find(cause, TimeoutException.class) != null
                || Failures.findByName(cause, "io.vertx.core.http.HttpClosedException") != null;
    }

    /**
     * Whether the failed call's {@code Retry-After} asks to wait longer than this policy's cap: for a caller that
     * would rather stop and come back later than wait that long.
     */
    public boolean asksToWaitBeyondCap(Exchange exchange) {
        HttpOperationFailedException http = Failures.find(caught(exchange), HttpOperationFailedException.class);
        return http != null && retryAfter(header(http.getResponseHeaders(), "Retry-After"))
                .filter(after -> after.compareTo(cap) > 0).isPresent();
    }

    /** The delay before attempt {@code retry} (1 = first retry), given the server's Retry-After if any. */
    public Duration delay(int retry, Optional<Duration> retryAfter) {
        double exponential = base.toMillis() * Math.pow(multiplier, Math.max(0, retry - 1));
        double capped = Math.min(exponential, cap.toMillis());
        double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        Duration backoff = Duration.ofMillis(Math.round(Math.min(capped * factor, cap.toMillis())));
        return retryAfter.filter(after -> after.compareTo(backoff) > 0).orElse(backoff);
    }

    /** A {@code Retry-After} value: delta seconds, or an HTTP date (RFC 1123); empty when absent or unreadable. */
    public Optional<Duration> retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Duration after;
        try {
            after = Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                after = Duration.between(clock.instant(), ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
        if (after.isNegative()) {
            after = Duration.ZERO;
        }
        return Optional.of(after.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : after);
    }

    private static Throwable caught(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return cause != null ? cause : exchange.getException();
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
