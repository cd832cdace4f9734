package io.syncroutes.simulators;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for Qargo with two environments ({@code master} and {@code local}) behind one API host, as the real
 * Qargo has: {@code <url>/v1}. One token endpoint, {@code POST /v1/auth/token} with HTTP Basic, answers each
 * environment's client credentials with a token of that environment; every API call acts on the environment whose
 * token it carries ({@code GET /resources/resource} and {@code GET|POST|PUT|DELETE
 * /resources/resource/{id}/unavailability[/{id}]}, cursor pages {@code items}, {@code next_cursor}). Datetimes,
 * cursors, validation errors and null vehicle fields as Qargo's FastAPI service has them ({@link QargoEnvironment}).
 * Keeps everything in memory; issues 5 tokens an hour per environment (then 429, as Qargo); can answer 429 +
 * Retry-After, fail one fleet resource's calls (a fleet resource is what Qargo calls a resource: a driver, vehicle
 * or trailer), or revoke tokens on demand. Used by the tests, the benchmark and the demo.
 */
public final class QargoSimulator extends HttpSimulator {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reasons the simulator's generated unavailabilities use (it accepts every reason of Qargo's enum). */
    private static final List<String> REASONS = List.of("DRIVER_HOLIDAY", "DRIVER_SICKNESS", "DRIVER_TRAINING", "DRIVER_OTHER",
            "VEHICLE_MAINTENANCE", "VEHICLE_INSPECTION", "VEHICLE_CLEANING", "VEHICLE_MOT_TEST");

    private final QargoEnvironment master;
    private final QargoEnvironment local;
    private final AtomicLong unauthenticated = new AtomicLong();
    private final Random demoRandom = new Random();

    public QargoSimulator(String masterClientId, String masterSecret, String localClientId, String localSecret) {
        if (masterClientId.equals(localClientId)) {
            throw new IllegalArgumentException("each environment has its own client id: the token endpoint tells them apart by it");
        }
        master = new QargoEnvironment("master", masterClientId, masterSecret);
        local = new QargoEnvironment("local", localClientId, localSecret);
    }

    public QargoEnvironment master() {
        return master;
    }

    public QargoEnvironment local() {
        return local;
    }

    /** The API URL of both environments, e.g. {@code http://127.0.0.1:8089/v1}. */
    public String apiUrl() {
        return root() + "/v1";
    }

    /** The one token endpoint. */
    public String authUrl() {
        return apiUrl() + "/auth/token";
    }

    /** Requests answered 401 whose credentials or token belong to no environment. */
    public long unauthenticated() {
        return unauthenticated.get();
    }

    @Override
    protected void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            QargoEnvironment.Reply reply = answer(request, body.toString(StandardCharsets.UTF_8));
            request.response().setStatusCode(reply.status());
            if (reply.retryAfter() != null) {
                request.response().putHeader("Retry-After", reply.retryAfter());
            }
            if (reply.body() == null) {
                request.response().end();
            } else {
                request.response().putHeader("Content-Type", "application/json").end(reply.body());
            }
        });
    }

    private QargoEnvironment.Reply answer(HttpServerRequest request, String body) {
        String path = request.path();
        if (!path.startsWith("/v1/")) {
            return QargoEnvironment.Reply.of(404, "{\"detail\": \"Not Found\"}");
        }
        String method = request.method().name();
        if (path.equals("/v1/auth/token")) {
            if (!method.equals("POST")) {
                return QargoEnvironment.Reply.of(405, "{\"detail\": \"Method Not Allowed\"}");
            }
            QargoEnvironment environment = byCredentials(request.getHeader("Authorization"));
            if (environment == null) {
                unauthenticated.incrementAndGet();
                return QargoEnvironment.Reply.of(401, "{\"detail\": \"Invalid client credentials\"}");
            }
            return environment.token();
        }
        String authorization = request.getHeader("Authorization");
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        QargoEnvironment environment = token == null ? null : master.issued(token) ? master : local.issued(token) ? local : null;
        if (environment == null) {
            unauthenticated.incrementAndGet();
            return QargoEnvironment.Reply.of(401, "{\"detail\": \"Not authenticated\"}");
        }
        return environment.answer(token, method, path.substring("/v1".length()), request.params(), body);
    }

    /** The environment whose client credentials an HTTP Basic header carries, or null. */
    private QargoEnvironment byCredentials(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String id = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        return master.hasCredentials(id, secret) ? master : local.hasCredentials(id, secret) ? local : null;
    }

    /**
     * Fills both environments with the same {@code resources} fleet resources (different ids; drivers matched by
     * employee number, trucks by license plate written differently, vans, whose license plate is null, by name) and
     * gives each master one 0 to {@code maxUnavailabilities} unavailabilities this year. The local environment
     * starts with none.
     */
    public void seed(Random random, int resources, int maxUnavailabilities, int year) {
        for (int i = 0; i < resources; i++) {
            String masterId;
            switch (i % 3) {
                case 0 -> {
                    masterId = master.addFleetResource("Driver " + i, "DRIVER", Map.of("employeenumber", "E-" + i), null);
                    local.addFleetResource("driver " + i, "DRIVER", Map.of("employeenumber", "E-" + i), null);
                }
                case 1 -> {
                    masterId = master.addFleetResource("Truck " + i, "TRUCK", Map.of(), "1-AB " + i);
                    local.addFleetResource("Truck no. " + i, "TRUCK", Map.of(), "1-ab " + i);
                }
                default -> {
                    masterId = master.addFleetResource("Van " + i, "VAN", Map.of(), null);
                    local.addFleetResource(" van " + i + " ", "VAN", Map.of(), null);
                }
            }
            int count = random.nextInt(maxUnavailabilities + 1);
            for (int u = 0; u < count; u++) {
                master.putUnavailability(masterId, randomUnavailability(random, year, null));
            }
        }
    }

    /**
     * Changes about {@code share} of the master's fleet resources: each picked one gets one unavailability added,
     * moved or removed. Returns how many were changed.
     */
    public int churn(Random random, double share, int year) {
        int changed = 0;
        for (String resourceId : master.fleetResourceIds()) {
            if (random.nextDouble() >= share) {
                continue;
            }
            List<ObjectNode> existing = master.unavailabilities(resourceId);
            int action = existing.isEmpty() ? 0 : random.nextInt(3);
            if (action == 0) {
                master.putUnavailability(resourceId, randomUnavailability(random, year, null));
            } else if (action == 1) {
                ObjectNode moved = existing.get(random.nextInt(existing.size())).deepCopy();
                moved.put("end_time", OffsetDateTime.parse(moved.path("start_time").asText()).plusDays(1 + random.nextInt(5)).toInstant().toString());
                master.putUnavailability(resourceId, moved);
            } else {
                master.deleteUnavailability(resourceId, existing.get(random.nextInt(existing.size())).path("id").asText());
            }
            changed++;
        }
        return changed;
    }

    /** Changes about {@code share} of the master's fleet resources with the simulator's own random source, this year (the demo's feeder). */
    public int changeMasterData(double share) {
        return churn(demoRandom, share, LocalDate.now(ZoneOffset.UTC).getYear());
    }

    private static ObjectNode randomUnavailability(Random random, int year, String id) {
        OffsetDateTime start = OffsetDateTime.of(year, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                .plusDays(random.nextInt(360)).plusHours(random.nextInt(24));
        ObjectNode node = JSON.createObjectNode();
        if (id != null) {
            node.put("id", id);
        }
        node.put("start_time", start.toInstant().toString());
        if (random.nextInt(10) == 0) {
            node.putNull("end_time");
        } else {
            node.put("end_time", start.plusHours(4 + random.nextInt(200)).toInstant().toString());
        }
        node.put("reason", REASONS.get(random.nextInt(REASONS.size())));
        if (random.nextBoolean()) {
            node.put("description", "ref HR" + random.nextInt(100_000));
        } else {
            node.putNull("description");
        }
        return node;
    }
}
