package io.syncroutes.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A stand-in for the Focus data-exchange API over real HTTP (Vert.x): {@code POST /api/v1/auth} answered 201
 * {@code {token}} (tokens expire), the schema, {@code full|created|updated|deleted/lines} streamed as
 * newline-delimited JSON with back-pressure, and {@code state} ({@code total_items}). Rows live in memory with
 * {@code created_at}/{@code updated_at} set as the real API sets them; a resource can also be synthetic (N rows
 * generated while streaming, for the benchmark). {@code delta_timestamp} is taken only in the forms the vendor's
 * own client sends (UTC, no offset); any other is refused with 400. Faults on request: an invalid line, a deletion
 * the delta feed never reports, expired tokens.
 */
public final class FocusSimulator extends HttpSimulator {

    /** A column of a resource's schema. */
    public record Column(String name, boolean primaryKey, String type) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 64 * 1024;
    private static final int KEPT_QUERIES = 1000;
    // The vendor's client (api_sync_client) sends a naive UTC datetime as Python writes it, str() on lines requests
    // ("2025-07-01 16:01:00.827904") and isoformat() on state ("2025-07-01T16:01:00.827904"): six fractional digits,
    // or none when the microseconds are zero. The real server answers that client, so these are taken; it never
    // sends another digit count or an offset, so nothing else is.
    private static final Pattern DELTA_TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{6})?");

    private final String user;
    private final String password;
    private final String businessService;
    private final String country;
    private final Duration tokenLifetime;
    private final Map<String, FocusResourceData> resources = new ConcurrentHashMap<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final Map<String, Deque<String>> queries = new ConcurrentHashMap<>();
    // microseconds since the epoch of the last row timestamp given
    private final AtomicLong lastStamp = new AtomicLong();

    public FocusSimulator(String user, String password, String businessService, String country, Duration tokenLifetime) {
        this.user = user;
        this.password = password;
        this.businessService = businessService;
        this.country = country;
        this.tokenLifetime = tokenLifetime;
    }


    /** Base URL of the API, e.g. {@code http://127.0.0.1:8089}. */
    public String url() {
        return root();
    }

    // ---- data -------------------------------------------------------------------------------------------------

    /** Declares a resource (its schema attributes, in order). */
    public FocusSimulator resource(String name, List<Column> columns) {
        resources.put(name, new FocusResourceData(name, List.copyOf(columns), 0, this::stamp));
        return this;
    }

    /** The reference resource {@code promotions}: {@code id} (uuid, primary key), name, discount, valid_from, tags, created_at, updated_at. */
    public FocusSimulator promotions(String name) {
        return resource(name, promotionColumns());
    }

    /** A resource of {@code rows} synthetic promotions generated while streamed (nothing stored): see {@link #generatedLine}. */
    public FocusSimulator generated(String name, long rows) {
        resources.put(name, new FocusResourceData(name, promotionColumns(), rows, this::stamp));
        return this;
    }

    public static List<Column> promotionColumns() {
        return List.of(new Column("id", true, "uuid"), new Column("name", false, "string"),
                new Column("discount", false, "float64"), new Column("valid_from", false, "date"),
                new Column("tags", false, "[]string"), new Column("created_at", false, "time"), new Column("updated_at", false, "time"));
    }

    /** Line {@code i} (1-based) of a generated resource's full load: a promotion as the reference shows one. */
    public static String generatedLine(long i) {
        return "{\"id\": \"" + generatedId(i) + "\", \"name\": \"Promotion " + i + "\", \"discount\": " + (i % 50) / 100.0
                + ", \"valid_from\": \"2025-03-01\", \"tags\": [\"spring\", \"p" + (i % 7) + "\"], "
                + "\"created_at\": \"2025-02-20T09:00:00Z\", \"updated_at\": null}";
    }

    /** The primary key of generated row {@code i}. */
    public static String generatedId(long i) {
        return String.format(Locale.ROOT, "7f1c0c5e-1111-4a1b-9c1d-%012d", i);
    }

    /**
     * Creates or updates a row: fields are merged into the stored row; a new row gets {@code created_at} now and
     * {@code updated_at} null, a changed one {@code updated_at} now. Returns the stored row.
     */
    public ObjectNode put(String resource, ObjectNode fields) {
        return resource(resource).put(fields);
    }

    /** Deletes a row by its primary-key values; the deleted feed reports it. */
    public boolean delete(String resource, ObjectNode key) {
        return resource(resource).delete(key, true);
    }

    /** Deletes a row without the deleted feed ever reporting it (a gap in the API): only a full load sees it. */
    public boolean deleteUnreported(String resource, ObjectNode key) {
        return resource(resource).delete(key, false);
    }

    /** The next lines response of {@code resource} carries an invalid JSON line at {@code lineNumber} (1-based), once. */
    public void corruptNextResponse(String resource, int lineNumber) {
        resource(resource).corruptNextResponse(lineNumber);
    }

    /** Every token issued so far is expired from now on. */
    public void expireTokens() {
        tokens.replaceAll((token, expiry) -> Instant.EPOCH);
    }

    /** Every token issued so far. */
    public List<String> issuedTokens() {
        return List.copyOf(tokens.keySet());
    }

    public int rowCount(String resource) {
        return resource(resource).rowCount();
    }

    /** The stored rows of a resource, in key order. */
    public List<ObjectNode> rows(String resource) {
        return resource(resource).rows().stream().map(row -> row.data().deepCopy()).toList();
    }

    /** How many requests of a kind ({@code auth}, {@code schema}, {@code full}, {@code created}, {@code updated}, {@code deleted}, {@code state}, {@code 401}) were answered. */
    public long requests(String kind) {
        AtomicLong count = requests.get(kind);
        return count == null ? 0 : count.get();
    }

    /**
     * The query strings, as received (still percent-encoded; "" for none), of the last requests of a kind
     * ({@code full}, {@code created}, {@code updated}, {@code deleted}, {@code state}), refused ones too, oldest first.
     */
    public List<String> queries(String kind) {
        Deque<String> kept = queries.get(kind);
        if (kept == null) {
            return List.of();
        }
        synchronized (kept) {
            return List.copyOf(kept);
        }
    }

    /** Demo activity: creates, updates or deletes a random promotion of {@code resource}. */
    public String randomChange(String resource) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<FocusResourceData.Row> rows = resource(resource).rows();
        int dice = random.nextInt(10);
        if (rows.size() < 5 || dice < 5) {
            ObjectNode row = JSON.createObjectNode().put("id", UUID.randomUUID().toString())
                    .put("name", "Promotion " + random.nextInt(1000)).put("discount", random.nextInt(50) / 100.0)
                    .put("valid_from", "2025-0" + (1 + random.nextInt(9)) + "-01");
            row.putArray("tags").add(random.nextBoolean() ? "spring" : "summer");
            return "created " + put(resource, row).get("id").asText();
        }
        ObjectNode victim = rows.get(random.nextInt(rows.size())).data();
        if (dice < 9) {
            ObjectNode change = victim.deepCopy().put("discount", random.nextInt(50) / 100.0);
            return "updated " + put(resource, change).get("id").asText();
        }
        delete(resource, victim);
        return "deleted " + victim.get("id").asText();
    }

    /** The next timestamp: now (microsecond precision, as the API keeps them), strictly after the previous one. */
    private Instant stamp() {
        long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        return Instant.EPOCH.plus(lastStamp.updateAndGet(last -> Math.max(last + 1, now)), ChronoUnit.MICROS);
    }

    private FocusResourceData resource(String name) {
        FocusResourceData res = resources.get(name);
        if (res == null) {
            throw new IllegalArgumentException("no resource " + name);
        }
        return res;
    }

    // ---- HTTP -------------------------------------------------------------------------------------------------

    @Override
    protected void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            try {
                answer(request, body.toString());
            } catch (BadRequest e) {
                send(request.response(), 400, JSON.createObjectNode().put("error", e.getMessage()));
            } catch (RuntimeException | IOException e) {
                send(request.response(), 500, JSON.createObjectNode().put("error", String.valueOf(e.getMessage())));
            }
        });
    }

    private void answer(HttpServerRequest request, String body) throws IOException {
        String[] path = request.path().replaceAll("/+$", "").split("/");
        // "", api, v1, auth | "", api, v1, {bs}, resource, schema | "", api, v1, {bs}, resource, {name}, {country}, {mode}, lines|state
        if (path.length == 4 && path[3].equals("auth") && request.method().name().equals("POST")) {
            auth(request, body);
            return;
        }
        if (path.length < 6 || !path[1].equals("api") || !path[2].equals("v1") || !path[4].equals("resource")) {
            send(request.response(), 404, JSON.createObjectNode().put("error", "no such endpoint"));
            return;
        }
        String token = request.getHeader("authorization");
        Instant expiry = token == null ? null : tokens.get(token);
        if (expiry == null || !Instant.now().isBefore(expiry)) {
            count("401");
            send(request.response(), 401, JSON.createObjectNode().put("error", "invalid or expired token"));
            return;
        }
        if (!path[3].equals(businessService)) {
            send(request.response(), 404, JSON.createObjectNode().put("error", "unknown business service " + path[3]));
            return;
        }
        if (path.length == 6 && path[5].equals("schema")) {
            count("schema");
            send(request.response(), 200, schema());
            return;
        }
        FocusResourceData res = path.length >= 8 ? resources.get(path[5]) : null;
        if (res == null || !path[6].equals(country)) {
            send(request.response(), 404, JSON.createObjectNode().put("error", "unknown resource or country"));
            return;
        }
        if (path.length == 8 && path[7].equals("state")) {
            keepQuery("state", request);
            // the count as of delta_timestamp (rows created since then are not counted yet), or of now without one
            Instant at = deltaTimestamp(request);
            count("state");
            send(request.response(), 200, JSON.createObjectNode().put("total_items", res.count(at)));
            return;
        }
        if (path.length != 9 || !path[8].equals("lines")) {
            send(request.response(), 404, JSON.createObjectNode().put("error", "no such endpoint"));
            return;
        }
        String mode = path[7];
        keepQuery(mode, request);
        Iterator<String> lines;
        if (mode.equals("full")) {
            lines = res.fullLines();
        } else {
            Instant since = deltaTimestamp(request);
            if (since == null) {
                send(request.response(), 400, JSON.createObjectNode().put("error", "delta_timestamp is required"));
                return;
            }
            lines = res.deltaLines(mode, since);
            if (lines == null) {
                send(request.response(), 404, JSON.createObjectNode().put("error", "unknown mode " + mode));
                return;
            }
        }
        count(mode);
        HttpServerResponse response = request.response().setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "application/x-ndjson");
        pump(response, lines);
    }

    /** Writes lines in chunks while the connection takes them, resuming when it drains. */
    private void pump(HttpServerResponse response, Iterator<String> lines) {
        while (!response.writeQueueFull() && lines.hasNext()) {
            StringBuilder chunk = new StringBuilder(CHUNK + 512);
            while (chunk.length() < CHUNK && lines.hasNext()) {
                chunk.append(lines.next()).append('\n');
            }
            response.write(Buffer.buffer(chunk.toString()));
        }
        if (lines.hasNext()) {
            response.drainHandler(v -> pump(response, lines));
        } else {
            response.end();
        }
    }

    private void auth(HttpServerRequest request, String body) throws IOException {
        count("auth");
        JsonNode login = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        if (!user.equals(login.path("username").asText()) || !password.equals(login.path("password").asText())) {
            send(request.response(), 401, JSON.createObjectNode().put("error", "invalid credentials"));
            return;
        }
        String token = "focus-" + UUID.randomUUID();
        tokens.put(token, Instant.now().plus(tokenLifetime));
        send(request.response(), 201, JSON.createObjectNode().put("token", token));
    }

    private ObjectNode schema() {
        ObjectNode all = JSON.createObjectNode();
        ObjectNode byName = all.putObject("resources");
        resources.values().stream().sorted((a, b) -> a.name.compareTo(b.name)).forEach(res -> {
            ObjectNode resource = byName.putObject(res.name);
            ArrayNode attributes = resource.putArray("attributes");
            for (Column column : res.columns) {
                attributes.addObject().putObject(column.name()).put("primary_key", column.primaryKey())
                        .put("foreign_key", false).put("type", column.type());
            }
            resource.putArray("allowedQueryModes").add("full").add("created").add("updated").add("deleted");
        });
        return all;
    }

    /** The request's {@code delta_timestamp} (an empty one is none), or 400 when it is not in a form the API takes. */
    private static Instant deltaTimestamp(HttpServerRequest request) {
        String text = request.getParam("delta_timestamp");
        if (text == null || text.isEmpty()) {
            return null;
        }
        String expected = "expected a UTC date-time without offset, with six fractional digits or none, e.g. 2025-07-01T16:01:00.827904 (T or a space)";
        if (!DELTA_TIMESTAMP.matcher(text).matches()) {
            throw new BadRequest("invalid delta_timestamp '" + text + "': " + expected);
        }
        try {
            return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new BadRequest("invalid delta_timestamp '" + text + "': not a date (" + e.getMessage() + "); " + expected);
        }
    }

    private void keepQuery(String kind, HttpServerRequest request) {
        Deque<String> kept = queries.computeIfAbsent(kind, k -> new ArrayDeque<>());
        synchronized (kept) {
            if (kept.size() == KEPT_QUERIES) {
                kept.removeFirst();
            }
            kept.addLast(request.query() == null ? "" : request.query());
        }
    }

    private void count(String kind) {
        requests.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    private static void send(HttpServerResponse response, int status, JsonNode body) {
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
    }


    /** A request the API refuses with 400 and the reason. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String reason) {
            super(reason);
        }
    }
}
