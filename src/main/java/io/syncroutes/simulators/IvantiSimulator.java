package io.syncroutes.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for Ivanti's REST API (OAuth2 client credentials as JSON, {@code X-API-Key}, {@code GET/PUT
 * /products/{id}}, {@code POST /products}) that keeps products in memory, answers after a fixed latency without
 * holding a thread (Vert.x timers), and can fail a share of calls with 503 + Retry-After. A product body unlike
 * the reference client's (see {@link #refusal}) is refused with 400. Used by the demo, the benchmark and tests;
 * cheap enough not to be the bottleneck it measures.
 */
public final class IvantiSimulator extends HttpSimulator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STATUSES = List.of("Active", "Inactive", "Draft");

    private final String clientId;
    private final String clientSecret;
    private final String apiKey;
    private final Duration latency;
    private final double transientFailureRate;
    private final Map<String, JsonNode> products = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();

    public IvantiSimulator(String clientId, String clientSecret, String apiKey, Duration latency, double transientFailureRate) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.apiKey = apiKey;
        this.latency = latency;
        this.transientFailureRate = transientFailureRate;
    }


    /** Base URL of the API, e.g. {@code http://127.0.0.1:8089}. */
    public String url() {
        return root();
    }

    public long requests() {
        return requests.get();
    }

    public long tokenRequests() {
        return tokenRequests.get();
    }

    /** Products created or updated so far. */
    public long writes() {
        return writes.get();
    }

    public Map<String, JsonNode> products() {
        return Map.copyOf(products);
    }

    /** Every token issued so far is expired from now on: calls carrying one are answered 401 until a new one is fetched. */
    public void expireTokens() {
        tokens.clear();
    }

    @Override
    protected void handle(HttpServerRequest request) {
        requests.incrementAndGet();
        request.body().onSuccess(body -> {
            Reply reply = answer(request, body.toString(StandardCharsets.UTF_8));
            long delay = latency.toMillis();
            if (delay <= 0) {
                send(request.response(), reply);
            } else {
                vertx.setTimer(delay, id -> send(request.response(), reply));
            }
        });
    }

    private record Reply(int status, String body, String retryAfter) {
    }

    private Reply answer(HttpServerRequest request, String body) {
        String path = request.path();
        try {
            if (path.endsWith("/oauth/token") && request.method().name().equals("POST")) {
                return token(body);
            }
            if (!path.startsWith("/products")) {
                return new Reply(404, "{\"error\": \"no such endpoint\"}", null);
            }
            String auth = request.getHeader("Authorization");
            if (auth == null || !auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7)) || !apiKey.equals(request.getHeader("X-API-Key"))) {
                return new Reply(401, "{\"error\": \"unauthorized\"}", null);
            }
            if (transientFailureRate > 0 && ThreadLocalRandom.current().nextDouble() < transientFailureRate) {
                return new Reply(503, "{\"error\": \"busy, try again\"}", "1");
            }
            String id = path.length() > "/products/".length() ? URLDecoder.decode(path.substring("/products/".length()), StandardCharsets.UTF_8) : null;
            switch (request.method().name()) {
                case "GET":
                    JsonNode product = id == null ? null : products.get(id);
                    return product == null ? new Reply(404, "{\"error\": \"not found\"}", null) : new Reply(200, product.toString(), null);
                case "POST":
                    ObjectNode created = (ObjectNode) JSON.readTree(body);
                    String refused = refusal(created, null);
                    if (refused != null) {
                        return new Reply(400, JSON.createObjectNode().put("error", refused).toString(), null);
                    }
                    if (products.putIfAbsent(created.path("id").asText(), created) != null) {
                        return new Reply(409, "{\"error\": \"exists\"}", null);
                    }
                    writes.incrementAndGet();
                    return new Reply(201, created.toString(), null);
                case "PUT":
                    if (id == null || !products.containsKey(id)) {
                        return new Reply(404, "{\"error\": \"not found\"}", null);
                    }
                    ObjectNode updated = (ObjectNode) JSON.readTree(body);
                    String refusedUpdate = refusal(updated, id);
                    if (refusedUpdate != null) {
                        return new Reply(400, JSON.createObjectNode().put("error", refusedUpdate).toString(), null);
                    }
                    products.put(id, updated);
                    writes.incrementAndGet();
                    return new Reply(200, body, null);
                default:
                    return new Reply(405, "{\"error\": \"method not allowed\"}", null);
            }
        } catch (IOException | ClassCastException e) {
            return new Reply(400, "{\"error\": \"body is not a JSON object\"}", null);
        }
    }

    /**
     * Why a product body is refused, or null: the shape the reference client always sends (its Ivanti product
     * model: {@code id} and {@code name} non-blank strings, at least one element, element {@code status} one of
     * Active, Inactive, Draft); on PUT the body's id is the one in the path.
     */
    private static String refusal(ObjectNode product, String pathId) {
        JsonNode id = product.path("id");
        if (!id.isTextual() || id.asText().isBlank()) {
            return "id must be a non-blank string";
        }
        if (pathId != null && !pathId.equals(id.asText())) {
            return "id " + id.asText() + " is not the product " + pathId + " of the path";
        }
        if (!product.path("name").isTextual() || product.path("name").asText().isBlank()) {
            return "name must be a non-blank string";
        }
        if (!product.path("elements").isArray() || product.path("elements").isEmpty()) {
            return "elements must hold at least one element";
        }
        for (JsonNode element : product.path("elements")) {
            if (!STATUSES.contains(element.path("status").asText())) {
                return "element status must be one of " + STATUSES;
            }
        }
        return null;
    }

    private Reply token(String body) throws IOException {
        tokenRequests.incrementAndGet();
        JsonNode request = JSON.readTree(body);
        if (!clientId.equals(request.path("client_id").asText()) || !clientSecret.equals(request.path("client_secret").asText())
                || !"client_credentials".equals(request.path("grant_type").asText())) {
            return new Reply(401, "{\"error\": \"invalid_client\"}", null);
        }
        String token = UUID.randomUUID().toString();
        tokens.add(token);
        return new Reply(200, JSON.createObjectNode().put("access_token", token).put("token_type", "Bearer")
                .put("expires_in", 3600).toString(), null);
    }

    private static void send(HttpServerResponse response, Reply reply) {
        response.setStatusCode(reply.status()).putHeader("Content-Type", "application/json");
        if (reply.retryAfter() != null) {
            response.putHeader("Retry-After", reply.retryAfter());
        }
        response.end(reply.body());
    }

}
