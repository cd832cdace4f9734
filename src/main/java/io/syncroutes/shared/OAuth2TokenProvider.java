package io.syncroutes.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One access token shared by every consumer of a remote API: fetched when missing or when it expires within
 * the refresh margin (300 s by default), and fetched again once when a call is answered 401. How the token is
 * asked for differs per system ({@link #jsonClientCredentials}, {@link #basicClientCredentials}, {@link #jsonLogin}).
 */
public final class OAuth2TokenProvider {

    /** Builds the token request of one system. */
    @FunctionalInterface
    public interface TokenRequest {
        HttpRequest build();
    }

    private record Token(String value, Instant expiresAt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final HttpClient http;
    private final TokenRequest request;
    private final Duration refreshMargin;
    private final Duration defaultLifetime;
    private final String scheme;
    private final Map<String, String> extraHeaders;
    private final Clock clock;
    private final Consumer<String> onNewToken;
    private final AtomicLong fetches = new AtomicLong();
    /** The one status a token answer must have (e.g. 201), or 0 for any 2xx. */
    private final int expectedStatus;
    private final TokenStore store;
    private volatile boolean loaded;
    private volatile Token current;

    /**
     * @param name            the system, for messages ("Ivanti")
     * @param request         how to ask for a token
     * @param refreshMargin   a token expiring within this margin is fetched again
     * @param defaultLifetime lifetime of a token whose answer has no {@code expires_in}
     * @param scheme          the Authorization scheme ("Bearer"), or "" for the bare token
     * @param extraHeaders    headers every call carries too (e.g. {@code X-API-Key})
     * @param onNewToken      told every token fetched, e.g. to mask it in logs
     */
    public OAuth2TokenProvider(String name, TokenRequest request, Duration refreshMargin, Duration defaultLifetime,
                               String scheme, Map<String, String> extraHeaders, Duration timeout, Clock clock,
                               Consumer<String> onNewToken) {
        this(name, request, refreshMargin, defaultLifetime, scheme, extraHeaders, timeout, clock, onNewToken, 0, TokenStore.NONE);
    }

    /**
     * As {@link #OAuth2TokenProvider(String, TokenRequest, Duration, Duration, String, Map, Duration, Clock, Consumer)},
     * accepting only a token answer with status {@code expectedStatus} (e.g. 201 for the Focus API; 0: any 2xx).
     */
    public OAuth2TokenProvider(String name, TokenRequest request, Duration refreshMargin, Duration defaultLifetime,
                               String scheme, Map<String, String> extraHeaders, Duration timeout, Clock clock,
                               Consumer<String> onNewToken, int expectedStatus) {
        this(name, request, refreshMargin, defaultLifetime, scheme, extraHeaders, timeout, clock, onNewToken, expectedStatus, TokenStore.NONE);
    }

    /**
     * As above, keeping the token in {@code store}: a token stored by an earlier run is used while it is valid,
     * and every token fetched is stored (so a restart does not spend one of a few token requests allowed).
     */
    public OAuth2TokenProvider(String name, TokenRequest request, Duration refreshMargin, Duration defaultLifetime,
                               String scheme, Map<String, String> extraHeaders, Duration timeout, Clock clock,
                               Consumer<String> onNewToken, TokenStore store) {
        this(name, request, refreshMargin, defaultLifetime, scheme, extraHeaders, timeout, clock, onNewToken, 0, store);
    }

    /** The full form: {@code expectedStatus} as above (0: any 2xx), tokens kept in {@code store} ({@link TokenStore#NONE}: not kept). */
    public OAuth2TokenProvider(String name, TokenRequest request, Duration refreshMargin, Duration defaultLifetime,
                               String scheme, Map<String, String> extraHeaders, Duration timeout, Clock clock,
                               Consumer<String> onNewToken, int expectedStatus, TokenStore store) {
        this.expectedStatus = expectedStatus;
        this.store = store;
        this.onNewToken = onNewToken;
        this.name = name;
        this.request = request;
        this.refreshMargin = refreshMargin;
        this.defaultLifetime = defaultLifetime;
        this.scheme = scheme;
        this.extraHeaders = Map.copyOf(extraHeaders);
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The current token, fetched first if there is none or it expires within the refresh margin. */
    public String token() throws IOException, InterruptedException {
        Token token = current;
        if (token == null || !clock.instant().isBefore(token.expiresAt.minus(refreshMargin))) {
            synchronized (this) {
                loadStored();
                token = current;
                if (token == null || !clock.instant().isBefore(token.expiresAt.minus(refreshMargin))) {
                    token = fetch();
                    current = token;
                }
            }
        }
        return token.value;
    }

    /** Forgets {@code rejected} (answered 401) unless another caller has already replaced it: many 401s, one fetch. */
    public synchronized void invalidate(String rejected) {
        Token token = current;
        if (token != null && token.value.equals(rejected)) {
            current = null;
        }
    }

    /** Sets the {@code Authorization} header (and the extra headers) of a call. */
    public void authorize(Exchange exchange) throws IOException, InterruptedException {
        String token = token();
        exchange.getMessage().setHeader("Authorization", scheme.isEmpty() ? token : scheme + " " + token);
        extraHeaders.forEach(exchange.getMessage()::setHeader);
    }

    /** Before a call answered 401 is sent again: drops the rejected token and authorizes with a new one. */
    public void reauthorize(Exchange exchange) throws IOException, InterruptedException {
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        if (header != null) {
            invalidate(scheme.isEmpty() ? header : header.substring(Math.min(header.length(), scheme.length() + 1)));
        }
        authorize(exchange);
    }

    /** How many tokens were fetched so far. */
    public long fetches() {
        return fetches.get();
    }

    /** The first time a token is needed: the stored one, if any (it is masked like a fetched one). */
    private void loadStored() {
        if (loaded) {
            return;
        }
        loaded = true;
        if (current == null) {
            store.load().filter(stored -> stored.value() != null && !stored.value().isBlank() && stored.expiresAt() != null)
                    .ifPresent(stored -> {
                        onNewToken.accept(stored.value());
                        current = new Token(stored.value(), stored.expiresAt());
                    });
        }
    }

    private Token fetch() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        fetches.incrementAndGet();
        if (expectedStatus != 0 ? response.statusCode() != expectedStatus : response.statusCode() / 100 != 2) {
            throw new TokenException(name + " token request answered " + response.statusCode() + ": "
                    + Failures.excerpt(response.body()), response.statusCode());
        }
        JsonNode body = JSON.readTree(response.body());
        String value = body.path("access_token").asText(body.path("token").asText(null));
        if (value == null || value.isBlank()) {
            throw new TokenException(name + " token response has no access_token", response.statusCode());
        }
        onNewToken.accept(value);
        Duration lifetime = body.hasNonNull("expires_in") ? Duration.ofSeconds(body.get("expires_in").asLong()) : defaultLifetime;
        Token token = new Token(value, clock.instant().plus(lifetime));
        store.save(new TokenStore.StoredToken(token.value, token.expiresAt));
        return token;
    }

    @Override
    public String toString() {
        return name + " token provider (" + fetches.get() + " fetches)";
    }

    /** OAuth2 client credentials as a JSON body: {@code {client_id, client_secret, grant_type}} (Ivanti). */
    public static TokenRequest jsonClientCredentials(String tokenUrl, String clientId, String clientSecret, Duration timeout) {
        String body = JSON.createObjectNode().put("client_id", clientId).put("client_secret", clientSecret)
                .put("grant_type", "client_credentials").toString();
        return () -> HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** OAuth2 client credentials with HTTP Basic authentication and an empty body (Qargo). */
    public static TokenRequest basicClientCredentials(String tokenUrl, String clientId, String clientSecret, Duration timeout) {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        return () -> HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(timeout)
                .header("Authorization", "Basic " + basic).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    /** A JSON login body such as {@code {username, password}} answered with {@code {token}} (Focus API). */
    public static TokenRequest jsonLogin(String tokenUrl, Map<String, String> fields, Duration timeout) {
        String body = JSON.valueToTree(fields).toString();
        return () -> HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** A token request that failed: transient to the routes (retried), never carrying the credentials. */
    public static final class TokenException extends IOException {
        private final int status;

        public TokenException(String message, int status) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
