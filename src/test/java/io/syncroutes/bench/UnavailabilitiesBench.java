package io.syncroutes.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncroutes.simulators.QargoEnvironment;
import io.syncroutes.simulators.QargoSimulator;
import org.apache.camel.main.Main;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import javax.management.ObjectName;

/**
 * Unavailabilities end to end against the Qargo simulator (both environments on one host, in-process, real HTTP,
 * no latency): N resources per environment (matched by employee number, license plate, name), 0 to M
 * unavailabilities each on the master. A first run copies everything; then, before each steady-state run, a share of the master's
 * resources changes (one unavailability added, moved or removed). The first run is measured twice: in a cold JVM,
 * and again warm after every local copy was removed. Each run prints the requests the app made
 * (both environments, token requests included) beside the lower bound the data needs (tokens not yet held, every
 * resource and unavailability page of both sides, one write per difference), and its wall time beside a raw
 * sequential HTTP loop making those same requests (reads, and as many idempotent PUTs as the run's writes) on the
 * same simulator (best of three passes, warmed). Run with {@code bench/unavailabilities.sh [--resources=500] [--max-unavailabilities=20]
 * [--changed=0.05] [--steady-runs=3]}.
 */
public final class UnavailabilitiesBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RESOURCE_PAGE = 100;
    private static final int UNAVAILABILITY_PAGE = 50;

    public static void main(String... argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        int resources = Integer.parseInt(args.getOrDefault("resources", "500"));
        int maxUnavailabilities = Integer.parseInt(args.getOrDefault("max-unavailabilities", "20"));
        double changed = Double.parseDouble(args.getOrDefault("changed", "0.05"));
        int steadyRuns = Integer.parseInt(args.getOrDefault("steady-runs", "3"));
        int year = LocalDate.now(ZoneOffset.UTC).getYear();

        QargoSimulator qargo = new QargoSimulator("bench-master", "bench-master-secret", "bench-local", "bench-local-secret");
        qargo.start("127.0.0.1", 0);
        qargo.master().pageSizes(RESOURCE_PAGE, UNAVAILABILITY_PAGE);
        qargo.local().pageSizes(RESOURCE_PAGE, UNAVAILABILITY_PAGE);
        Random random = new Random(42);
        qargo.seed(random, resources, maxUnavailabilities, year);
        Path tmp = Files.createTempDirectory("unavailabilities-bench");
        Map<String, String> props = new HashMap<>();
        props.put("http.port", "0");
        props.put("mongo.uri", "");
        props.put("mongo.embedded.backend", "memory");
        props.put("mongo.embedded.port", "0");
        for (String dir : new String[] {"inbound", "done", "error", "outbound"}) {
            props.put("workorders." + dir + ".dir", tmp.resolve(dir).toString());
        }
        props.put("workorders.export.interval-ms", "3600000");
        // one host and token endpoint for both environments (master URLs unset), as at the real Qargo
        props.put("qargo.api-url", qargo.apiUrl());
        props.put("qargo.auth-url", qargo.authUrl());
        props.put("qargo.client-id", "bench-local");
        props.put("qargo.client-secret", "bench-local-secret");
        props.put("qargo.master.client-id", "bench-master");
        props.put("qargo.master.client-secret", "bench-master-secret");
        props.put("qargo.sync-interval-ms", "86400000");
        props.put("qargo.sync-delay-ms", "86400000");
        props.put("qargo.sync-from", year + "-01-01");
        props.put("qargo.request-budget", "1000000");
        Main app = BenchSupport.startApp(props);
        Baseline baseline = new Baseline(qargo);
        System.out.printf(Locale.ROOT, "Qargo simulator in-process (Vert.x, no latency), %d resources per environment, "
                + "0-%d unavailabilities each (%d on the master); embedded MongoDB memory backend%n",
                resources, maxUnavailabilities, qargo.master().unavailabilityCount());
        try {
            for (int run = -1; run <= steadyRuns; run++) {
                if (run == 0) {
                    // the same first run again with a warm JVM: every local copy removed
                    qargo.local().clearUnavailabilities();
                } else if (run > 0) {
                    int count = qargo.churn(random, changed, year);
                    System.out.printf(Locale.ROOT, "changed %d master resources (%.1f %%)%n", count, 100.0 * count / resources);
                }
                LowerBound bound = lowerBound(qargo, run == -1 ? 2 : 0);
                qargo.master().resetCounters();
                qargo.local().resetCounters();
                long started = System.nanoTime();
                String line = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("io.syncroutes:type=Operations,flow=unavailabilities"), "runNow", new Object[0], new String[0]);
                long appNanos = System.nanoTime() - started;
                long requests = qargo.master().requests() + qargo.local().requests();
                long writes = qargo.local().writes();
                if (writes != bound.writes || !line.contains("errors=0")) {
                    throw new IllegalStateException("run did not do the expected work (" + bound.writes + " writes): " + line);
                }
                long baselineNanos = baseline.run(bound.reads, (int) writes);
                String name = run == -1 ? "first run, cold JVM" : run == 0 ? "first run, warm" : "steady-state run " + run;
                System.out.printf(Locale.ROOT, "%-20s requests %,6d  lower bound %,6d (%d tokens, %,d reads, %,d writes)  ratio %.3f%n",
                        name, requests, bound.total(), bound.tokens, bound.reads.size(), bound.writes, (double) requests / bound.total());
                System.out.printf(Locale.ROOT, "%-20s wall %8.1f ms  raw HTTP loop %8.1f ms  (%.1f %% of the route's time)%n", "",
                        appNanos / 1e6, baselineNanos / 1e6, 100.0 * baselineNanos / appNanos);
                System.out.println("  " + line.substring(line.indexOf("unavailabilities run")));
            }
        } finally {
            app.stop();
            qargo.close();
            BenchSupport.delete(tmp);
        }
    }

    /** One read of the lower bound: its URL and the environment whose token it carries. */
    private record Read(QargoEnvironment environment, String url) {
    }

    private record LowerBound(int tokens, List<Read> reads, int writes) {
        long total() {
            return tokens + reads.size() + writes;
        }
    }

    /**
     * What the data needs, from the simulator's state: the resource pages of both sides, then for each pair (the
     * seed creates them in the same order) its unavailability pages on both sides (at least one each), and one write
     * per difference (missing, changed or orphaned local copy). Reads are kept as URLs for the baseline loop.
     */
    private static LowerBound lowerBound(QargoSimulator qargo, int tokens) {
        List<Read> reads = new ArrayList<>();
        List<String> masters = qargo.master().fleetResourceIds();
        List<String> locals = qargo.local().fleetResourceIds();
        pages(reads, qargo, qargo.master(), "/resources/resource", masters.size(), RESOURCE_PAGE);
        pages(reads, qargo, qargo.local(), "/resources/resource", locals.size(), RESOURCE_PAGE);
        int writes = 0;
        for (int i = 0; i < masters.size(); i++) {
            List<ObjectNode> master = qargo.master().unavailabilities(masters.get(i));
            List<ObjectNode> local = qargo.local().unavailabilities(locals.get(i));
            pages(reads, qargo, qargo.master(), "/resources/resource/" + masters.get(i) + "/unavailability", master.size(), UNAVAILABILITY_PAGE);
            pages(reads, qargo, qargo.local(), "/resources/resource/" + locals.get(i) + "/unavailability", local.size(), UNAVAILABILITY_PAGE);
            Map<String, ObjectNode> byExternal = new HashMap<>();
            local.forEach(u -> byExternal.put(u.path("external_id").asText(), u));
            Set<String> masterIds = new HashSet<>();
            for (ObjectNode m : master) {
                masterIds.add(m.get("id").asText());
                ObjectNode l = byExternal.get(m.get("id").asText());
                if (l == null || !equal(l, m)) {
                    writes++;
                }
            }
            writes += (int) byExternal.keySet().stream().filter(id -> !masterIds.contains(id)).count();
        }
        return new LowerBound(tokens, reads, writes);
    }

    private static void pages(List<Read> reads, QargoSimulator qargo, QargoEnvironment environment, String list, int items, int pageSize) {
        int pages = Math.max(1, (items + pageSize - 1) / pageSize);
        for (int p = 0; p < pages; p++) {
            reads.add(new Read(environment, qargo.apiUrl() + list + (p == 0 ? "" : "?cursor=" + environment.cursor(list, p * pageSize))));
        }
    }

    private static boolean equal(JsonNode local, JsonNode master) {
        return Objects.equals(instant(local, "start_time"), instant(master, "start_time"))
                && Objects.equals(instant(local, "end_time"), instant(master, "end_time"))
                && local.path("reason").asText().equals(master.path("reason").asText())
                && local.path("description").asText().equals(master.path("description").asText());
    }

    private static Object instant(JsonNode node, String field) {
        return node.hasNonNull(field) ? OffsetDateTime.parse(node.get(field).asText()).toInstant() : null;
    }

    /**
     * The fastest honest loop: one HTTP client, the same requests in sequence with the same 30 s per-request timeout
     * (a client without one could hang forever), bodies parsed, no matching or diff.
     */
    private static final class Baseline {
        private final QargoSimulator qargo;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final String masterToken;
        private final String localToken;
        private boolean warm;


        Baseline(QargoSimulator qargo) throws Exception {
            this.qargo = qargo;
            masterToken = token(qargo.authUrl(), "bench-master", "bench-master-secret");
            localToken = token(qargo.authUrl(), "bench-local", "bench-local-secret");
        }

        /** The best of three timed passes, after one untimed warm-up pass the first time. */
        long run(List<Read> reads, int writes) throws Exception {
            if (!warm) {
                warm = true;
                execute(reads, writes);
            }
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                execute(reads, writes);
                best = Math.min(best, System.nanoTime() - started);
            }
            return best;
        }

        private void execute(List<Read> reads, int writes) throws Exception {
            for (Read read : reads) {
                JSON.readTree(send(HttpRequest.newBuilder(URI.create(read.url())).GET(), read.url(), masterOrLocal(read.environment())));
            }
            // as many idempotent writes: each local unavailability PUT back unchanged
            String localApi = qargo.apiUrl();
            int done = 0;
            for (String resource : qargo.local().fleetResourceIds()) {
                for (ObjectNode item : qargo.local().unavailabilities(resource)) {
                    if (done++ >= writes) {
                        return;
                    }
                    String url = localApi + "/resources/resource/" + resource + "/unavailability/" + item.get("id").asText();
                    ObjectNode body = item.deepCopy();
                    body.remove("id");
                    JSON.readTree(send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(body.toString())), url, localToken));
                }
            }
        }

        private String masterOrLocal(QargoEnvironment environment) {
            return environment == qargo.master() ? masterToken : localToken;
        }

        private String send(HttpRequest.Builder request, String url, String token) throws Exception {
            HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token).timeout(java.time.Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
            return response.body();
        }

        private String token(String url, String id, String secret) throws Exception {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body()).get("access_token").asText();
        }
    }
}
