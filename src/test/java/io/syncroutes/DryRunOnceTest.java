package io.syncroutes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.syncroutes.demo.DemoSimulators;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --once --dry-run}: the flows that plan read and decide against the simulators and write nothing anywhere;
 * their plan is one JSON document, and a real run then does what the plan said. A flow that cannot plan fails the run.
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

            JsonNode plan = JSON.readTree(once(tmp.resolve("dry"), simulators, true, 0, "cases", "unavailabilities", "resources"));
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
            assertThat(resources.path("plans").get(0).path("actions").path("created").path("count").asLong()).isEqualTo(focusRows);

            // the real run, against the same systems, does what the plan said
            String real = once(tmp.resolve("real"), simulators, false, 0, "cases", "unavailabilities", "resources");
            assertThat(real).contains("once: cases ok: cases full sync: pages=", "inserted=" + casesRemote + " ");
            assertThat(real).contains("once: unavailabilities ok:", " created=" + plannedCreates + " ");
            assertThat(real).contains("once: resources ok: Focus promotions (full): lines=" + focusRows + " created=" + focusRows + " ");
            assertThat(simulators.qargo().local().writes()).isGreaterThan(localWrites);
        }
    }

    @Test
    void aFlowThatCannotPlanFailsTheDryRunAndMovesNoFile(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("inbound"));
        drop(tmp.resolve("inbound"), "wo-1.json", workOrder(1, "2025-01-01T00:00:00Z").toString());
        try (DemoSimulators simulators = DemoSimulators.start(SIMULATORS::get)) {
            JsonNode plan = JSON.readTree(once(tmp, simulators, true, 1, "workorders"));
            assertThat(plan.path("flows").path("workorders").path("status").asText()).isEqualTo("failed");
            assertThat(plan.path("flows").path("workorders").path("reason").asText()).startsWith("cannot plan");
        }
        assertThat(tmp.resolve("inbound").resolve("wo-1.json")).exists();
    }

    /** One {@code --once} of the named flows against the simulators (its own embedded database); returns what it printed. */
    private static String once(Path tmp, DemoSimulators simulators, boolean dryRun, int expectedStatus, String... flows) throws Exception {
        Map<String, String> props = RunningApp.embeddedProperties(tmp);
        simulators.simulators().forEach(s -> s.settings().forEach(setting -> props.put(setting.property(), setting.value())));
        props.put("sync.dry-run", String.valueOf(dryRun));
        Main main = new Main();
        App.configure(main.configure());
        props.forEach(main::addOverrideProperty);
        OnceRun.prepare(main, props);
        main.start();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = OnceRun.run(main.getCamelContext(), List.of(flows), dryRun, new PrintStream(out, true, StandardCharsets.UTF_8));
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(status).as(printed).isEqualTo(expectedStatus);
            if (dryRun) {
                MongoDatabase db = main.getCamelContext().getRegistry().lookupByNameAndType("mongoClient", MongoClient.class).getDatabase("tractian");
                assertThat(db.getCollection("cases").countDocuments()).as("nothing stored").isZero();
                assertThat(db.getCollection("sync_state").countDocuments()).as("no sync state moved").isZero();
                assertThat(db.getCollection("focus_promotions").countDocuments()).as("no Focus row stored").isZero();
            }
            return printed;
        } finally {
            main.stop();
        }
    }
}
