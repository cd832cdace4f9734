package io.syncroutes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.syncroutes.infra.Leadership;
import io.syncroutes.infra.RoutesNotStarted;
import io.syncroutes.infra.Settings;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.SyncState;
import io.syncroutes.shared.SyncStats;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * {@code --once}: the app starts with no timer, cron or queue consumer of its own; each selected flow then runs once
 * (its run route, or for work orders the files in the inbound folder now and one export, for products a drain of the
 * queue), the outcome of each is printed on one line, and the exit status says whether all succeeded. A flow runs only
 * where it may: on the leader of its namespaces (CLUSTER_SERVICE file or kubernetes), or holding its lock file in the
 * data folder (one instance), so a second {@code --once} at the same time does not do the same work. With
 * {@code --dry-run} each flow plans instead (writes nothing) and the plans are printed as one JSON document.
 */
final class OnceRun {

    /** One flow as {@code --once} runs it: the setting that turns it on, its leadership namespaces. */
    private record Flow(String name, String enabledProperty, String variable, List<String> namespaces) {
    }

    /** How a flow's run went. */
    enum Status { OK, FAILED, SKIPPED, OFF }

    record Outcome(String flow, Status status, String line, List<Map<String, Object>> plans) {
        Outcome(String flow, Status status, String line) {
            this(flow, status, line, List.of());
        }

        String summary() {
            return "once: " + flow + " " + status.name().toLowerCase(Locale.ROOT) + (line.isEmpty() ? "" : ": " + line);
        }
    }

    private static final List<Flow> FLOWS = List.of(
            new Flow("workorders", null, null, List.of("workorders-inbound", "workorders-export")),
            new Flow("products", "products.enabled", "IVANTI_API_URL", List.of()),
            new Flow("cases", "cases.enabled", "INTEMPUS_API_URI", List.of("cases")),
            new Flow("resources", "resources.enabled", "FOCUS_API_URL", List.of("resources")),
            new Flow("unavailabilities", "unavailabilities.enabled", "QARGO_CLIENT_ID", List.of("unavailabilities")));

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The routes that would run the flows on their own (timers, cron, the queue consumer, the demo's feeders), and the
     * inbound folder's, which starts once its flow may run.
     */
    private static final List<String> NOT_STARTED = List.of("workorders-inbound", "workorders-export", "workorders-plan", "products-plan", "cases-sync",
            "resources-sync", "unavailabilities-timer", "products-sync", "products-drain", "demo-*");

    private final CamelContext context;
    private final SyncState syncState;
    private final ProducerTemplate template;
    private final boolean dryRun;
    /** The products drain's line (one drain per run). */
    private volatile String drained = "";

    private OnceRun(CamelContext context, boolean dryRun) {
        this.context = context;
        this.dryRun = dryRun;
        this.syncState = context.getRegistry().lookupByNameAndType("syncState", SyncState.class);
        this.template = context.createProducerTemplate();
    }

    /** Settings of a one-shot run, before the app starts. */
    static void prepare(Main main, Map<String, String> commandLine) {
        main.configure().addConfiguration(new CamelConfiguration() {
            @Override
            public void configure(CamelContext context) {
                RoutesNotStarted.install(context, NOT_STARTED);
            }
        });
        main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        main.addOverrideProperty("products.mode", "drain");
        // MongoDB down: a few redeliveries, then the run fails (the default, -1, waits for it forever)
        if (!commandLine.containsKey("workorders.mongo.retries") && "-1".equals(System.getenv().getOrDefault("WORKORDERS_MONGO_RETRIES", "-1"))) {
            main.addOverrideProperty("workorders.mongo.retries", "3");
        }
    }

    /**
     * Runs the flows named (every enabled one when none is), prints one line each (a dry run: one JSON document of
     * their plans); returns the exit status.
     */
    static int run(CamelContext context, List<String> named, boolean dryRun, PrintStream out) throws Exception {
        OnceRun once = new OnceRun(context, dryRun);
        List<Flow> selected = FLOWS.stream().filter(flow -> named.isEmpty() || named.contains(flow.name())).toList();
        ExecutorService runs = Executors.newFixedThreadPool(selected.size());
        List<Future<Outcome>> futures = new ArrayList<>();
        try {
            for (Flow flow : selected) {
                futures.add(runs.submit(() -> once.runOnce(flow, !named.isEmpty())));
            }
            boolean failed = false;
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                Outcome outcome = future.get();
                outcomes.add(outcome);
                if (!dryRun) {
                    out.println(outcome.summary());
                }
                failed |= outcome.status() == Status.FAILED;
            }
            if (dryRun) {
                out.println(JSON.writeValueAsString(plans(outcomes)));
            }
            out.flush();
            return failed ? 1 : 0;
        } finally {
            runs.shutdownNow();
            once.template.close();
        }
    }

    /** The document {@code --once --dry-run} prints: per flow its status, its plans (one per run part) or why it has none. */
    private static Map<String, Object> plans(List<Outcome> outcomes) {
        Map<String, Object> flows = new LinkedHashMap<>();
        for (Outcome outcome : outcomes) {
            Map<String, Object> flow = new LinkedHashMap<>();
            flow.put("status", outcome.status() == Status.OK ? "planned" : outcome.status().name().toLowerCase(Locale.ROOT));
            if (outcome.status() != Status.OK) {
                flow.put("reason", outcome.line());
            }
            flow.put("plans", outcome.plans());
            flows.put(outcome.flow(), flow);
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("dryRun", true);
        document.put("flows", flows);
        return document;
    }

    private Outcome runOnce(Flow flow, boolean named) {
        if (flow.enabledProperty() != null && !Boolean.parseBoolean(Settings.get(context, flow.enabledProperty()))) {
            return new Outcome(flow.name(), named ? Status.FAILED : Status.OFF, "not configured (set " + flow.variable() + ")");
        }
        try (AutoCloseable claim = claim(flow)) {
            if (claim == null) {
                return new Outcome(flow.name(), Status.SKIPPED, "another instance or --once run holds it");
            }
            Map<String, String> errorsBefore = lastErrors(flow.name());
            Map<String, String> runsBefore = lastRuns(flow.name());
            String failure;
            String runs = null;
            switch (flow.name()) {
                case "workorders" -> {
                    if (dryRun) {
                        failure = call("direct:workorders-plan-run");
                    } else {
                        WorkOrderFilesOnce.Result result = new WorkOrderFilesOnce(context, template).run();
                        failure = result.failure();
                        runs = result.summary();
                    }
                }
                case "products" -> {
                    if (dryRun) {
                        failure = call("direct:products-plan-run");
                    } else {
                        failure = drainProducts();
                        runs = drained;
                    }
                }
                case "cases" -> failure = call("direct:cases-sync-run");
                case "resources" -> failure = call("direct:resources-run");
                default -> failure = call("direct:unavailabilities-run");
            }
            List<String> newErrors = newErrors(flow.name(), errorsBefore);
            if (failure == null && !newErrors.isEmpty() && !flow.name().equals("workorders")) {
                failure = String.join("; ", newErrors);
            }
            if (runs == null) {
                runs = String.join("; ", newRuns(flow.name(), runsBefore));
            }
            List<Map<String, Object>> plans = dryRun ? newPlans(flow.name(), runsBefore) : List.of();
            return failure == null ? new Outcome(flow.name(), Status.OK, runs, plans)
                    : new Outcome(flow.name(), Status.FAILED, failure + (runs.isEmpty() ? "" : " (" + runs + ")"), plans);
        } catch (Exception e) {
            return new Outcome(flow.name(), Status.FAILED, Objects.toString(e.getMessage(), e.getClass().getSimpleName()));
        }
    }

    /** Sends to a flow's run route; the reason when it failed with an exception, else null. */
    private String call(String endpoint) {
        try {
            template.requestBody(endpoint, (Object) null);
            return null;
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return Objects.toString(cause.getMessage(), cause.getClass().getSimpleName());
        }
    }

    /** Drains the products queue; fails when Ivanti was unavailable (the circuit breaker opened). */
    private String drainProducts() {
        String failure = null;
        try {
            Object stats = template.requestBody("direct:products-drain-run", (Object) null);
            drained = stats instanceof SyncStats batch ? batch.summary() : "";
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            failure = Objects.toString(cause.getMessage(), cause.getClass().getSimpleName());
        }
        FlowState products = syncState.flows().get("products");
        if (failure == null && products != null && products.getCircuitState() != null && !"closed".equals(products.getCircuitState())) {
            failure = "Ivanti unavailable (" + products.getCircuitLastError() + "); the rest stays queued";
        }
        return failure;
    }

    /**
     * The right to run {@code flow} now: leading its namespaces (within the leader timeout and two checks), or with
     * one instance its lock file in the data folder; null when another holds it.
     */
    private AutoCloseable claim(Flow flow) throws Exception {
        Leadership leadership = Leadership.of(context);
        if (!leadership.clustered()) {
            Path folder = Path.of(Settings.get(context, "workorders.inbound.dir")).toAbsolutePath().getParent();
            Files.createDirectories(folder);
            FileChannel channel = FileChannel.open(folder.resolve(".sync-routes-once-" + flow.name() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return null;
            }
            return () -> {
                lock.release();
                channel.close();
            };
        }
        long wait = Long.parseLong(Settings.get(context, "cluster.leader-timeout-ms"))
                + 2 * Long.parseLong(Settings.get(context, "cluster.check-interval-ms"));
        long until = System.nanoTime() + Duration.ofMillis(wait).toNanos();
        while (!flow.namespaces().stream().allMatch(leadership::leads)) {
            if (System.nanoTime() > until) {
                return null;
            }
            Thread.sleep(100);
        }
        return () -> { };
    }

    private Map<String, String> lastErrors(String flow) {
        return times(flow, FlowState::getLastErrorAt);
    }

    private Map<String, String> lastRuns(String flow) {
        return times(flow, FlowState::getLastRunAt);
    }

    /** A time of each of the flow's states ("" when none), by state. */
    private Map<String, String> times(String flow, Function<FlowState, String> time) {
        Map<String, String> at = new HashMap<>();
        states(flow).forEach(state -> at.put(state.getFlow(), Objects.toString(time.apply(state), "")));
        return at;
    }

    /** The newest error of each of the flow's states that had one since {@code before}. */
    private List<String> newErrors(String flow, Map<String, String> before) {
        return changedSince(flow, before, FlowState::getLastErrorAt, state -> {
            List<String> recent = new ArrayList<>(state.getRecentErrors().values());
            return state.getFlow() + ": " + (recent.isEmpty() ? "failed" : recent.get(recent.size() - 1));
        });
    }

    /** The last run line of each of the flow's states that finished a run since {@code before}. */
    private List<String> newRuns(String flow, Map<String, String> before) {
        return changedSince(flow, before, FlowState::getLastRunAt, FlowState::getLastRun);
    }

    /** The plan of each of the flow's states that finished a dry run since {@code before}. */
    private List<Map<String, Object>> newPlans(String flow, Map<String, String> before) {
        return changedSince(flow, before, FlowState::getLastRunAt, FlowState::getLastPlan);
    }

    /** {@code value} of each of the flow's states whose {@code time} moved since {@code before} (nulls left out). */
    private <T> List<T> changedSince(String flow, Map<String, String> before, Function<FlowState, String> time,
                                     Function<FlowState, T> value) {
        List<T> values = new ArrayList<>();
        for (FlowState state : states(flow)) {
            String at = Objects.toString(time.apply(state), "");
            T one = at.isEmpty() || at.equals(before.getOrDefault(state.getFlow(), "")) ? null : value.apply(state);
            if (one != null) {
                values.add(one);
            }
        }
        return values;
    }

    /** The states of a flow: its own and its parts' (workorders-inbound, resources-promotions). */
    private List<FlowState> states(String flow) {
        return syncState.flows().entrySet().stream()
                .filter(e -> e.getKey().equals(flow) || e.getKey().startsWith(flow + "-"))
                .map(Map.Entry::getValue).toList();
    }
}
