package io.syncroutes.simulators;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for Intempus' case API ({@code /web/v1/case/}), stateful and over real HTTP (Vert.x), answering like the
 * Django + tastypie server it stands for: paths end with a slash ({@code /case/}, {@code /case/{id}/}), a path
 * without it is redirected (301, Django's APPEND_SLASH) and an unknown one is Django's HTML 404 page; tastypie's
 * ApiKey authentication ({@code Authorization: ApiKey user:key}, the scheme in any case, or the {@code username} and
 * {@code api_key} query parameters), refused with an empty 401; a missing case is an empty 404. Pages are
 * {@code {meta: {limit, next, offset, previous, total_count}, objects}} ordered by id, with {@code
 * logical_timestamp__gt} filtering and the {@code logical-timestamp} response header (the highest timestamp
 * committed). Every change takes the next 64-bit logical timestamp. Tests, the benchmark and the demo change cases
 * between runs and can make requests fail (status, Retry-After, any body).
 */
public final class IntempusSimulator extends HttpSimulator {

    public static final String BASE_PATH = "/web/v1";
    private static final String CASE_PATH = IntempusCases.CASE_PATH;
    /** The list ({@code /web/v1/case/}) and detail ({@code /web/v1/case/{id}/}) URLs, as tastypie declares them. */
    private static final Pattern CASE_URL = Pattern.compile(Pattern.quote(CASE_PATH) + "(?:([^/]+)/)?");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LIMIT = 1000;

    private final String user;
    private final String apiKey;
    private final Duration latency;
    private final IntempusCases cases = new IntempusCases();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong pageRequests = new AtomicLong();
    private final List<String> requestLog = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private long churnTimer = -1;
    private volatile boolean updatesWithoutBody;

    /** A planned failure: requests matching {@code when} are answered {@code reply}, {@code times} times. */
    private record Fault(Predicate<HttpServerRequest> when, IntempusReply reply, AtomicLong times) {
    }

    public IntempusSimulator(String user, String apiKey, Duration latency) {
        this.user = user;
        this.apiKey = apiKey;
        this.latency = latency;
    }


    /** The API's base URL, e.g. {@code http://127.0.0.1:8089/web/v1} (what INTEMPUS_API_URI is set to). */
    public String url() {
        return root() + BASE_PATH;
    }

    // --- state, for tests, the benchmark and the demo ------------------------------------------------------------

    /** Adds {@code count} generated cases; returns their ids. */
    public List<Long> generate(int count) {
        return cases.generate(count);
    }

    /** Adds a case as given (e.g. a reference payload, keeping its id and logical_timestamp when set). */
    public long put(ObjectNode given) {
        return cases.put(given);
    }

    /** Stores a case exactly as given, even a malformed one (what a client must cope with); returns its id. */
    public long putRaw(long id, ObjectNode given) {
        return cases.putRaw(id, given);
    }

    /** Changes a case remotely (its name), giving it the next logical timestamp; false when it does not exist. */
    public boolean touch(long id) {
        return cases.touch(id);
    }

    /** Changes a case's field without giving it a new logical timestamp (what an equal timestamp must not overwrite). */
    public void setWithoutNewTimestamp(long id, String field, String value) {
        cases.setWithoutNewTimestamp(id, field, value);
    }

    public boolean delete(long id) {
        return cases.delete(id, false);
    }

    public ObjectNode get(long id) {
        synchronized (cases) {
            ObjectNode c = cases.stored(id);
            return c == null ? null : c.deepCopy();
        }
    }

    public List<Long> ids() {
        return cases.ids();
    }

    public int size() {
        return cases.size();
    }

    /** The highest logical timestamp given so far. */
    public long logicalTimestamp() {
        return cases.logicalTimestamp();
    }

    public long requests() {
        return requests.get();
    }

    /** List requests ({@code GET /case/}) so far. */
    public long pageRequests() {
        return pageRequests.get();
    }

    /** Every request so far as {@code METHOD path?query @millis}. */
    public List<String> requestLog() {
        return List.copyOf(requestLog);
    }

    /**
     * The next {@code times} authenticated requests whose {@code METHOD path?query} contains {@code fragment} are
     * answered {@code status} (with Retry-After when set) and a JSON error.
     */
    public void fail(String fragment, int status, String retryAfter, long times) {
        fail(fragment, status, retryAfter, times, "{\"error\": \"simulated failure\"}");
    }

    /** The same, answering with this JSON body (empty: no body at all). */
    public void fail(String fragment, int status, String retryAfter, long times, String body) {
        Map<String, String> headers = retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter);
        fail(fragment, new IntempusReply(status, body.isEmpty() ? null : IntempusReply.JSON_TYPE, body.getBytes(StandardCharsets.UTF_8), headers), times);
    }

    /** The same, answering with an HTML page (what a proxy in front of Intempus, or Django itself, sends on errors). */
    public void failWithPage(String fragment, int status, long times, String html) {
        fail(fragment, IntempusReply.page(status, html), times);
    }

    private void fail(String fragment, IntempusReply reply, long times) {
        faults.add(new Fault(r -> (r.method().name() + " " + r.uri()).contains(fragment), reply, new AtomicLong(times)));
    }

    /** Answer updates 204 without the case (as an API may), so a client has to read it back. */
    public void answerUpdatesWithoutBody(boolean without) {
        this.updatesWithoutBody = without;
    }

    public void clearFaults() {
        faults.clear();
    }

    /** Demo: every {@code period}, a few cases are changed, one is added and now and then one is deleted. */
    public void churn(Duration period) {
        churnTimer = vertx.setPeriodic(period.toMillis(), id -> {
            synchronized (cases) {
                List<Long> ids = cases.ids();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 3 && !ids.isEmpty(); i++) {
                    touch(ids.get(random.nextInt(ids.size())));
                }
                generate(1);
                if (ids.size() > 20 && random.nextInt(3) == 0) {
                    delete(ids.get(random.nextInt(ids.size())));
                }
            }
        });
    }

    // --- HTTP ------------------------------------------------------------------------------------------------------

    @Override
    protected void handle(HttpServerRequest request) {
        requests.incrementAndGet();
        requestLog.add(request.method().name() + " " + request.uri() + " @" + System.currentTimeMillis());
        request.body().onSuccess(body -> {
            IntempusReply reply;
            try {
                reply = answer(request, body);
            } catch (RuntimeException e) {
                // Django's page for an unhandled error (DEBUG off)
                reply = IntempusReply.page(500, "<h1>Server Error (500)</h1>");
            }
            IntempusReply finalReply = reply;
            if (latency.toMillis() <= 0) {
                finalReply.send(request.response());
            } else {
                vertx.setTimer(latency.toMillis(), id -> finalReply.send(request.response()));
            }
        });
    }

    private IntempusReply answer(HttpServerRequest request, Buffer body) {
        String path = request.path();
        Matcher url = CASE_URL.matcher(path);
        if (!url.matches()) {
            // Django's APPEND_SLASH (on by default) answers 301 to the slashed path for every method once DEBUG is off (its
            // error for POST/PUT/PATCH is DEBUG only), so a write sent without the slash never lands: clients do not
            // follow the redirect, or follow it as a GET
            if (CASE_URL.matcher(path + "/").matches()) {
                String query = request.query();
                return IntempusReply.redirect(path + "/" + (query == null ? "" : "?" + query));
            }
            return IntempusReply.notFoundPage();
        }
        if (!authenticated(request)) {
            return IntempusReply.empty(401);
        }
        for (Iterator<Fault> it = faults.iterator(); it.hasNext();) {
            Fault fault = it.next();
            if (fault.when().test(request)) {
                if (fault.times().decrementAndGet() <= 0) {
                    it.remove();
                }
                return fault.reply();
            }
        }
        String method = request.method().name();
        synchronized (cases) {
            if (url.group(1) == null) {
                return switch (method) {
                    case "GET" -> list(request);
                    case "POST" -> create(body);
                    default -> IntempusReply.notAllowed("GET,POST");
                };
            }
            if (!List.of("GET", "PUT", "PATCH", "DELETE").contains(method)) {
                return IntempusReply.notAllowed("GET,PUT,PATCH,DELETE");
            }
            long id = url.group(1).matches("\\d{1,18}") ? Long.parseLong(url.group(1)) : -1;
            ObjectNode existing = cases.stored(id);
            if (existing == null) {
                // tastypie answers a case it does not have with an empty 404
                return IntempusReply.empty(404);
            }
            return switch (method) {
                case "GET" -> IntempusReply.json(200, bytes(existing), cases.logicalTimestamp());
                case "DELETE" -> {
                    cases.delete(id, true);
                    yield IntempusReply.noContent(cases.logicalTimestamp());
                }
                default -> update(existing, body);
            };
        }
    }

    /**
     * tastypie's ApiKeyAuthentication: {@code Authorization: <scheme> user:key} with the scheme {@code ApiKey} in any
     * case, else the {@code username} and {@code api_key} query parameters.
     */
    private boolean authenticated(HttpServerRequest request) {
        String header = request.getHeader("Authorization");
        int space = header == null ? -1 : header.indexOf(' ');
        String credentials;
        if (space > 0 && header.substring(0, space).equalsIgnoreCase("ApiKey")) {
            credentials = header.substring(space + 1);
        } else {
            String name = request.getParam("username");
            String key = request.getParam("api_key");
            credentials = name == null || key == null ? null : name + ":" + key;
        }
        return (user + ":" + apiKey).equals(credentials);
    }

    private IntempusReply list(HttpServerRequest request) {
        pageRequests.incrementAndGet();
        int limit = Math.min(MAX_LIMIT, intParam(request, "limit", 20));
        int offset = intParam(request, "offset", 0);
        String gtParam = request.getParam("logical_timestamp__gt");
        Long gt = gtParam == null ? null : Long.valueOf(gtParam);
        List<ObjectNode> matching = cases.changedAfter(gt);
        String filter = gt == null ? "" : "&logical_timestamp__gt=" + gt;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(limit * 1500 + 256);
            try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
                json.writeStartObject();
                json.writeObjectFieldStart("meta");
                json.writeNumberField("limit", limit);
                if (offset + limit < matching.size()) {
                    json.writeStringField("next", CASE_PATH + "?limit=" + limit + "&offset=" + (offset + limit) + filter);
                } else {
                    json.writeNullField("next");
                }
                json.writeNumberField("offset", offset);
                if (offset > 0) {
                    json.writeStringField("previous", CASE_PATH + "?limit=" + limit + "&offset=" + Math.max(0, offset - limit) + filter);
                } else {
                    json.writeNullField("previous");
                }
                json.writeNumberField("total_count", matching.size());
                json.writeEndObject();
                json.writeArrayFieldStart("objects");
                for (int i = offset; i < Math.min(matching.size(), offset + limit); i++) {
                    JSON.writeTree(json, matching.get(i));
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            return IntempusReply.json(200, out.toByteArray(), cases.logicalTimestamp());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private IntempusReply create(Buffer body) {
        ObjectNode given = object(body);
        if (given == null) {
            return IntempusReply.page(400, "Invalid data sent.");
        }
        ObjectNode errors = JSON.createObjectNode();
        for (String field : List.of("customer", "number", "name")) {
            if (!given.hasNonNull(field) || given.get(field).asText().isBlank()) {
                errors.putArray(field).add("This field is required.");
            }
        }
        if (given.hasNonNull("customer") && !given.get("customer").asText().matches("/web/v1/customer/\\d+/")) {
            errors.putArray("customer").add("Could not find the provided object via resource URI '" + given.get("customer").asText() + "'.");
        }
        if (!errors.isEmpty()) {
            return new IntempusReply(400, IntempusReply.JSON_TYPE, bytes(JSON.createObjectNode().set("case", errors)), Map.of());
        }
        ObjectNode c = cases.create(given);
        return IntempusReply.json(201, bytes(c), cases.logicalTimestamp());
    }

    private IntempusReply update(ObjectNode existing, Buffer body) {
        ObjectNode given = object(body);
        if (given == null) {
            return IntempusReply.page(400, "Invalid data sent.");
        }
        cases.update(existing, given);
        long clock = cases.logicalTimestamp();
        return updatesWithoutBody ? IntempusReply.noContent(clock) : IntempusReply.json(200, bytes(existing), clock);
    }

    private static ObjectNode object(Buffer body) {
        try {
            JsonNode node = JSON.readTree(body.getBytes());
            return node instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int intParam(HttpServerRequest request, String name, int fallback) {
        String value = request.getParam(name);
        try {
            return value == null ? fallback : Math.max(0, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (vertx != null && churnTimer >= 0) {
            vertx.cancelTimer(churnTimer);
        }
        super.close();
    }

    /** For a quick look: {@code cases} as id -> logical_timestamp. */
    public Map<Long, Long> timestamps() {
        return cases.timestamps();
    }
}
