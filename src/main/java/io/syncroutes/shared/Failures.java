package io.syncroutes.shared;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/** What went wrong with an exchange, in words an operator reads in a dead-letter header or a log line. */
public final class Failures {

    private static final int EXCERPT = 500;

    private Failures() {
    }

    /** The failure of an exchange: its reason, the HTTP status (or 0) and the response body excerpt. */
    public record Failure(String reason, int status, String body) {
    }

    public static Failure of(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        return of(cause);
    }

    public static Failure of(Throwable cause) {
        if (cause == null) {
            return new Failure("unknown error", 0, "");
        }
        HttpOperationFailedException http = find(cause, HttpOperationFailedException.class);
        if (http != null) {
            return new Failure("HTTP " + http.getStatusCode() + " " + nullToEmpty(http.getStatusText()) + " from "
                    + http.getUri(), http.getStatusCode(), excerpt(http.getResponseBody()));
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof InvalidInputException)) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage();
        String reason = root instanceof InvalidInputException ? message : root.getClass().getSimpleName() + ": " + message;
        int status = root instanceof OAuth2TokenProvider.TokenException token ? token.status() : 0;
        return new Failure(reason, status, "");
    }

    /** The first {@value #EXCERPT} characters of a response body, on one line. */
    public static String excerpt(String body) {
        return excerpt(body, EXCERPT);
    }

    /** The first {@code max} characters of a response body, on one line. */
    public static String excerpt(String body, int max) {
        if (body == null) {
            return "";
        }
        String line = body.replaceAll("\\s+", " ").trim();
        return line.length() <= max ? line : line.substring(0, max) + "...";
    }

    public static <T extends Throwable> T find(Throwable cause, Class<T> type) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** The first cause of the named class (for exceptions of libraries this package does not depend on). */
    public static Throwable findByName(Throwable cause, String className) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getClass().getName().equals(className)) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
