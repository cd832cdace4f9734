package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncroutes.shared.Failures;
import io.syncroutes.shared.OAuth2TokenProvider;
import io.syncroutes.shared.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The calls the flow makes to one Qargo environment: cursor-paged lists, and JSON writes. Every call takes one
 * request from the run's budget, carries the environment's bearer token (one new token on 401), and is retried on
 * 408/429/5xx and broken connections with backoff, honouring {@code Retry-After}; a wait longer than
 * {@code maxWait} stops the run instead (it resumes next run). A refused connection fails at once.
 */
public final class QargoClient {

    private static final Logger LOG = LoggerFactory.getLogger(QargoClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> TRANSIENT = Set.of(408, 429, 500, 502, 503, 504);

    private final String environment;
    private final String apiUrl;
    private final OAuth2TokenProvider token;
    private final HttpClient http;
    private final Duration timeout;
    private final RetryPolicy retry;
    private final int maxRetries;
    private final Duration maxWait;

    public QargoClient(String environment, String apiUrl, OAuth2TokenProvider token, Duration timeout, RetryPolicy retry,
                       int maxRetries, Duration maxWait) {
        this.environment = environment;
        this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        this.token = token;
        this.timeout = timeout;
        this.retry = retry;
        this.maxRetries = maxRetries;
        this.maxWait = maxWait;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    public String environment() {
        return environment;
    }

    public OAuth2TokenProvider token() {
        return token;
    }

    /** Every item of a cursor-paged list: the first call with {@code query}, the next ones with {@code cursor=} only. */
    List<JsonNode> list(String path, Map<String, String> query, RequestBudget budget) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        String next = path + queryString(query);
        while (next != null) {
            JsonNode page = call("GET", next, null, budget);
            page.path("items").forEach(items::add);
            String cursor = page.path("next_cursor").isTextual() ? page.get("next_cursor").asText() : null;
            next = cursor == null || cursor.isEmpty() ? null : path + queryString(Map.of("cursor", cursor));
        }
        return items;
    }

    /** One call; the parsed answer ({@code {}} when empty). */
    JsonNode call(String method, String path, JsonNode body, RequestBudget budget) throws IOException, InterruptedException {
        boolean renewedToken = false;
        for (int attempt = 0; ; attempt++) {
            budget.take();
            String bearer;
            HttpResponse<String> response;
            try {
                bearer = token.token();
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(timeout)
                        .header("Authorization", "Bearer " + bearer).header("Accept", "application/json");
                if (body != null) {
                    request.header("Content-Type", "application/json");
                }
                request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException | HttpConnectTimeoutException | UnresolvedAddressException e) {
                throw new QargoException.Unreachable("Qargo " + environment + " unreachable (" + apiUrl + "): " + describe(e));
            } catch (OAuth2TokenProvider.TokenException e) {
                if (e.status() == 429) {
                    throw new QargoException.BudgetExhausted("Qargo " + environment + " token endpoint rate-limited (429)");
                }
                throw new QargoException.Unreachable("Qargo " + environment + ": " + e.getMessage());
            } catch (IOException e) {
                if (Failures.find(e, ConnectException.class) != null) {
                    throw new QargoException.Unreachable("Qargo " + environment + " unreachable (" + apiUrl + "): " + describe(e));
                }
                if (attempt < maxRetries) {
                    pause(attempt, Optional.empty(), method, path, describe(e));
                    continue;
                }
                throw new QargoException(method + " " + path + " on " + environment + ": " + describe(e), 0);
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                String text = response.body();
                return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            }
            if (status == 401 && !renewedToken) {
                renewedToken = true;
                token.invalidate(bearer);
                attempt--;
                continue;
            }
            if (TRANSIENT.contains(status) && attempt < maxRetries) {
                Optional<Duration> after = retry.retryAfter(response.headers().firstValue("Retry-After").orElse(null));
                if (after.isPresent() && after.get().compareTo(maxWait) > 0) {
                    throw new QargoException.BudgetExhausted("Qargo " + environment + " asked to wait " + after.get().toSeconds() + " s");
                }
                pause(attempt, after, method, path, String.valueOf(status));
                continue;
            }
            if (status == 429) {
                throw new QargoException.BudgetExhausted("Qargo " + environment + " still rate-limiting (429) after " + maxRetries + " retries");
            }
            throw new QargoException(method + " " + path + " on " + environment + " answered " + status + ": "
                    + Failures.excerpt(response.body()), status);
        }
    }

    private void pause(int attempt, Optional<Duration> retryAfter, String method, String path, String why) throws InterruptedException {
        Duration delay = retry.delay(attempt + 1, retryAfter);
        LOG.debug("Qargo {} {} {}: {}, retry {} in {} ms", environment, method, path, why, attempt + 1, delay.toMillis());
        Thread.sleep(delay.toMillis());
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    static String queryString(Map<String, String> query) {
        if (query.isEmpty()) {
            return "";
        }
        return new LinkedHashMap<>(query).entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&", "?", ""));
    }

    @Override
    public String toString() {
        return "Qargo " + environment + " " + apiUrl;
    }
}
