package io.syncroutes.products;

import io.syncroutes.shared.CircuitBreakerRoutePolicy;
import io.syncroutes.shared.OAuth2TokenProvider;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Whether Ivanti answers again (the products circuit breaker's probe): a token, then {@code GET <probe path>} (by
 * default a product that does not exist) answered with anything but 401, 408, 429 or 5xx.
 */
public final class IvantiProbe implements CircuitBreakerRoutePolicy.Probe {

    private static final Set<Integer> UNAVAILABLE = Set.of(401, 408, 429, 500, 502, 503, 504);

    private final HttpClient http;
    private final URI uri;
    private final OAuth2TokenProvider token;
    private final Map<String, String> headers;
    private final Duration timeout;

    public IvantiProbe(String apiUrl, String probePath, OAuth2TokenProvider token, Map<String, String> headers, Duration timeout) {
        this.uri = URI.create(apiUrl.replaceAll("/+$", "") + probePath);
        this.token = token;
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void check() throws IOException, InterruptedException {
        String current = token.token();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET().header("Authorization", "Bearer " + current);
        headers.forEach(request::header);
        HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 401) {
            token.invalidate(current);
        }
        if (UNAVAILABLE.contains(response.statusCode())) {
            throw new IOException("Ivanti probe GET " + uri.getPath() + " answered " + response.statusCode());
        }
    }
}
