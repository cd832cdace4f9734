package io.syncroutes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.syncroutes.demo.DemoSimulators;
import io.syncroutes.shared.SyncState;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --once --dry-run}: the flows that plan read and decide against the simulators and write nothing anywhere;
 * their plan is one JSON document, and a real run then does what the plan said.
 */
class DryRunOnceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The simulators' settings: their data stays as it is during the test (no churn, no transient failures). */
    private static final Map<String, String> SIMULATORS = Map.ofEntries(
            Map.entry("demo.ivanti.port", "0"), Map.entry("demo.ivanti.latency-ms", "0"), Map.entry("demo.ivanti.transient-failure-rate", "0"),
            Map.entry("demo.intempus.port", "0"), Map.entry("demo.intempus.latency-ms", "0"), Map.entry("demo.intempus.cases", "40"),
            Map.entry("demo.intempus.churn-ms", "86400000"), Map.entry("demo.focus.port", "0"),
            Map.entry("demo.qargo.port", "0"), Map.entry("demo.qargo.resources", "10"));

    @Test
    void aDryRunPlansWhatTheRealRunThenDoes(@TempDir Path tmp) throws Exception {
        try (DemoSimulators simulators = DemoSimulators.start(SIMULATORS::get)) {
            long casesRemote = simulators.intempus().size();
            long localWrites = simulators.qargo().local().writes();

            JsonNode plan = JSON.readTree(once(tmp.resolve("dry"), simulators, true, 0, "cases", "unavailabilities", "resources", "products"));
            assertThat(plan.path("dryRun").asBoolean()).isTrue();
            JsonNode cases = plan.path("flows").path("cases");
            assertThat(cases.path("status").asText()).as(plan.toPrettyString()).isEqualTo("planned");
            JsonNode casesActions = cases.path("plans").get(0).path("actions");
            assertThat(casesActions.path("inserted").path("count").asLong()).isEqualTo(casesRemote);
            assertThat(casesActions.path("inserted").path("first")).hasSize(10);
            JsonNode unavailabilities = plan.path("flows").path("unavailabilities");
            assertThat(unavailabilities.path("status").asText()).as(plan.toPrettyString()).isEqualTo("planned");
            long plannedCreates = unavailabilities.path("plans").get(0).path("actions").path("created").path("count").asLong();
            assertThat(plannedCreates).isPositive();
            assertThat(simulators.qargo().local().writes()).as("nothing written to Qargo").isEqualTo(localWrites);
            JsonNode resources = plan.path("flows").path("resources");
            assertThat(resources.path("status").asText()).as(plan.toPrettyString()).isEqualTo("planned");
            long focusRows = simulators.focus().rows("promotions").size();
            JsonNode products = plan.path("flows").path("products").path("plans").get(0).path("actions");
            assertThat(products.path("created").path("first")).extracting(JsonNode::asText).containsExactly("P1", "P2");
            assertThat(products.path("deadLettered").path("count").asLong()).isEqualTo(1);
            assertThat(simulators.ivanti().writes()).as("nothing written to Ivanti").isZero();
            assertThat(resources.path("plans").get(0).path("actions").path("created").path("count").asLong()).isEqualTo(focusRows);

            // the real run, against the same systems, does what the plan said
            // (a dead-lettered product fails a real --once: exit status 1)
            String real = once(tmp.resolve("real"), simulators, false, 1, "cases", "unavailabilities", "resources", "products");
            assertThat(real).contains("once: cases ok: cases full sync: pages=", "inserted=" + casesRemote + " ");
            assertThat(real).contains("once: unavailabilities ok:", " created=" + plannedCreates + " ");
            assertThat(real).contains("once: resources ok: Focus promotions (full): lines=" + focusRows + " created=" + focusRows + " ");
            assertThat(simulators.qargo().local().writes()).isGreaterThan(localWrites);
            assertThat(real).contains("once: products failed: products: invalid product message", "successful_syncs=2 failed_syncs=1");
            assertThat(simulators.ivanti().writes()).isEqualTo(2);
        }
    }

    @Test
    void workOrderFilesArePlannedNotMovedThenImportedAsPlanned(@TempDir Path tmp) throws Exception {
        Path inbound = Files.createDirectories(tmp.resolve("dry").resolve("inbound"));
        drop(inbound, "wo-1.json", workOrder(1, "2025-01-01T00:00:00Z").toString());
        drop(inbound, "wo-2.json", "[" + workOrder(2, "2025-01-02T00:00:00Z") + "," + workOrder(3, "2025-01-03T00:00:00Z")
                + "," + workOrder(2, "2025-01-01T00:00:00Z") + ", {\"orderNo\": 4}]");
        drop(inbound, "broken.json", "{\"orderNo\": 9, \"summary\": \"x\" ]");
        try (var files = Files.list(inbound)) {
            // at rest (unchanged for more than WORKORDERS_AT_REST_MS): an import takes them
            files.forEach(file -> file.toFile().setLastModified(System.currentTimeMillis() - 60_000));
        }
        try (DemoSimulators simulators = DemoSimulators.start(SIMULATORS::get)) {
            JsonNode plan = JSON.readTree(once(tmp.resolve("dry"), simulators, true, 0, "workorders"));
            JsonNode workorders = plan.path("flows").path("workorders");
            assertThat(workorders.path("status").asText()).as(plan.toPrettyString()).isEqualTo("planned");
            JsonNode actions = workorders.path("plans").get(0).path("actions");
            assertThat(actions.path("inserted").path("count").asLong()).isEqualTo(3);
            assertThat(actions.path("stale").path("count").asLong()).isEqualTo(1);
            assertThat(actions.path("rejected").path("count").asLong()).isEqualTo(1);
            assertThat(actions.path("rejected").path("first").get(0).asText()).startsWith("wo-2.json #3: ");
            assertThat(actions.path("filesToDone").path("first")).extracting(JsonNode::asText).containsExactly("wo-1.json", "wo-2.json");
            assertThat(actions.path("filesToError").path("first").get(0).asText()).startsWith("broken.json: malformed JSON");
            assertThat(actions.path("exported").path("count").asLong()).isEqualTo(3);
            try (var left = Files.list(inbound)) {
                assertThat(left.map(p -> p.getFileName().toString())).as("no file moved").containsExactlyInAnyOrder("wo-1.json", "wo-2.json", "broken.json");
            }
            assertThat(tmp.resolve("dry").resolve("error")).as("no reject written").isEmptyDirectory();
            assertThat(tmp.resolve("dry").resolve("outbound")).as("nothing exported").isEmptyDirectory();

            // the same files imported for real: what the plan said
            Files.createDirectories(tmp.resolve("real"));
            Files.move(inbound, tmp.resolve("real").resolve("inbound"));
            String real = once(tmp.resolve("real"), simulators, false, 0, "workorders");
            assertThat(real).contains("once: workorders ok: inbound: 3 files, 2 to done, 1 to error; export: read=3 exported=3");
        }
    }

    /** One {@code --once} of the named flows against the simulators (its own embedded database); returns what it printed. */
    private static String once(Path tmp, DemoSimulators simulators, boolean dryRun, int expectedStatus, String... flows) throws Exception {
        Map<String, String> props = RunningApp.embeddedProperties(tmp);
        RunningApp.withEmbeddedBroker(props, tmp);
        simulators.simulators().forEach(s -> s.settings().forEach(setting -> props.put(setting.property(), setting.value())));
        props.put("sync.dry-run", String.valueOf(dryRun));
        Main main = RunningApp.onceApp(props);
        try {
            if (List.of(flows).contains("products")) {
                String product = Fixtures.text("reference/ivanti-products/rabbitmq_message_sample_rabbitmq_message.json");
                try (ProducerTemplate template = main.getCamelContext().createProducerTemplate()) {
                    for (String message : List.of(product.replace("\"P12345\"", "\"P1\""), product.replace("\"P12345\"", "\"P2\""), "{\"x\": 1}")) {
                        template.sendBody("spring-rabbitmq:default?routingKey=products_queue", message);
                    }
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = OnceRun.run(main.getCamelContext(), List.of(flows), dryRun, new PrintStream(out, true, StandardCharsets.UTF_8));
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(status).as(printed).isEqualTo(expectedStatus);
            if (dryRun) {
                MongoDatabase db = main.getCamelContext().getRegistry().lookupByNameAndType("mongoClient", MongoClient.class).getDatabase("tractian");
                assertThat(db.getCollection("cases").countDocuments()).as("nothing stored").isZero();
                assertThat(db.getCollection("sync_state").countDocuments()).as("no sync state moved").isZero();
                assertThat(db.getCollection("focus_promotions").countDocuments()).as("no Focus row stored").isZero();
                // each flow's run document says it was a dry run and keeps its plan
                SyncState state = main.getCamelContext().getRegistry().lookupByNameAndType("syncState", SyncState.class);
                assertThat(state.flow(flows[0]).runs().flush(Duration.ofSeconds(10))).isTrue();
                for (String flow : flows) {
                    Document run = db.getCollection("sync_runs").find(new Document("dryRun", true)
                            .append("flow", new Document("$regex", "^" + flow))).first();
                    assertThat(run).as("dry run document of " + flow).isNotNull();
                    assertThat(run.get("plan", Document.class).get("actions", Document.class)).isNotEmpty();
                }
                assertThat(db.getCollection("sync_runs").countDocuments(new Document("dryRun", false))).as("no real run").isZero();
            }
            return printed;
        } finally {
            main.stop();
        }
    }
}
