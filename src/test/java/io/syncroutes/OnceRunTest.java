package io.syncroutes;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.syncroutes.simulators.IvantiSimulator;
import io.syncroutes.simulators.QargoSimulator;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.syncroutes.Fixtures.drop;
import static io.syncroutes.Fixtures.workOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code --once}: every flow runs once, as the running app would run it, and the exit status says how it went. */
class OnceRunTest {

    @Test
    void everyFlowRunsOnceAgainstTheSimulators(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("inbound"));
        for (int i = 1; i <= 3; i++) {
            drop(tmp.resolve("inbound"), "wo-" + i + ".json", workOrder(i, "2025-01-0" + i + "T00:00:00Z").toString());
        }
        drop(tmp.resolve("inbound"), "broken.json", "{\"orderNo\": 9, \"summary\": \"x\" ]");
        Map<String, String> props = RunningApp.embeddedProperties(tmp);
        props.put("sync.demo", "true");
        props.put("demo.ivanti.transient-failure-rate", "0");
        Main main = RunningApp.onceApp(RunningApp.withEmbeddedBroker(props, tmp));
        try {
            CamelContext context = main.getCamelContext();
            assertThat(context.getRouteController().getRouteStatus("cases-sync").isStarted()).as("no timer of its own").isFalse();
            assertThat(context.getRouteController().getRouteStatus("demo-product-messages").isStarted()).isFalse();
            String product = Fixtures.text("reference/ivanti-products/rabbitmq_message_sample_rabbitmq_message.json");
            try (ProducerTemplate template = context.createProducerTemplate()) {
                for (int i = 0; i < 4; i++) {
                    template.sendBody("spring-rabbitmq:default?routingKey=products_queue", product.replace("\"P12345\"", "\"P" + i + "\""));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = OnceRun.run(context, List.of(), false, new PrintStream(out, true, StandardCharsets.UTF_8));
            String lines = out.toString(StandardCharsets.UTF_8);

            assertThat(status).as(lines).isZero();
            assertThat(lines.lines()).hasSize(5).allMatch(line -> line.matches("once: \\w+ ok: .+"), lines);
            try (Stream<Path> done = Files.list(tmp.resolve("done"))) {
                assertThat(done.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("wo-1.json", "wo-2.json", "wo-3.json");
            }
            assertThat(tmp.resolve("error").resolve("broken.json")).exists();
            for (int i = 1; i <= 3; i++) {
                assertThat(tmp.resolve("outbound").resolve("workorder_" + i + ".json")).as("exported").exists();
            }
            IvantiSimulator ivanti = context.getRegistry().lookupByNameAndType("ivantiSimulator", IvantiSimulator.class);
            assertThat(ivanti.writes()).as("the queue drained into Ivanti").isEqualTo(4);
            MongoDatabase db = context.getRegistry().lookupByNameAndType("mongoClient", MongoClient.class).getDatabase("tractian");
            assertThat(db.getCollection("cases").countDocuments()).isPositive();
            assertThat(db.getCollection("focus_promotions").countDocuments()).isPositive();
            assertThat(db.getCollection("sync_state").countDocuments(new Document("_id", "focus_promotions"))).isOne();
            QargoSimulator qargo = context.getRegistry().lookupByNameAndType("qargoSimulator", QargoSimulator.class);
            assertThat(lines).contains("once: unavailabilities ok: unavailabilities run: matched=");
            assertThat(qargo).isNotNull();
        } finally {
            main.stop();
        }
    }

    @Test
    void aFlowWhoseSystemIsDownFailsTheRunWithItsReason(@TempDir Path tmp) throws Exception {
        Map<String, String> env = RunningApp.embeddedEnv(tmp);
        env.put("INTEMPUS_API_URI", "http://127.0.0.1:" + SyncRoutesTestSupport.freePort() + "/web/v1");
        env.put("INTEMPUS_API_USER", "user");
        env.put("INTEMPUS_API_KEY", "key-of-the-once-test");
        Path log = tmp.resolve("once.log");
        Process once = RunningApp.startProcess(env, log, "--once", "cases", "workorders");
        assertThat(once.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(log);
        assertThat(once.exitValue()).as(output).isEqualTo(1);
        assertThat(output).containsPattern("once: cases failed: .*(refused|Connect)");
        assertThat(output).contains("once: workorders ok");
        assertThat(output).doesNotContain("key-of-the-once-test");
    }

    @Test
    void aNamedFlowThatIsNotConfiguredFails(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("once.log");
        Process once = RunningApp.startProcess(RunningApp.embeddedEnv(tmp), log, "--once", "resources");
        assertThat(once.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(once.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log)).contains("once: resources failed: not configured (set FOCUS_API_URL)");
    }

    @Test
    void aSecondRunOnTheSameDataFolderDoesNotDoTheWorkAgain(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("inbound"));
        drop(tmp.resolve("inbound"), "wo-1.json", workOrder(1, "2025-01-01T00:00:00Z").toString());
        Map<String, String> env = RunningApp.embeddedEnv(tmp);
        Path log = tmp.resolve("once.log");
        try (FileChannel channel = FileChannel.open(tmp.resolve(".sync-routes-once-workorders.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            Process once = RunningApp.startProcess(env, log, "--once", "workorders");
            assertThat(once.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(held.isValid()).isTrue();
            assertThat(once.exitValue()).isZero();
        }
        assertThat(Files.readString(log)).contains("once: workorders skipped: another instance or --once run holds it");
        assertThat(tmp.resolve("inbound").resolve("wo-1.json")).as("left to the run holding it").exists();
    }

    @Test
    void aFlowWhoseNamespaceAnotherInstanceLeadsIsSkipped(@TempDir Path tmp) throws Exception {
        Map<String, String> running = RunningApp.embeddedEnv(tmp);
        running.put("CLUSTER_SERVICE", "file");
        running.put("CLUSTER_FILE_ROOT", tmp.resolve("cluster").toString());
        running.put("CLUSTER_CHECK_INTERVAL_MS", "200");
        running.put("CLUSTER_LEADER_TIMEOUT_MS", "1000");
        Process leader = RunningApp.startProcess(running, tmp.resolve("leader.log"));
        try {
            String sync = "http://127.0.0.1:" + running.get("HTTP_PORT") + "/observe/sync";
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    Fixtures.JSON.readTree(Http.get(sync).body()).at("/flows/workorders-inbound/leads/workorders-inbound").asBoolean());
            Map<String, String> once = new HashMap<>(running);
            once.putAll(RunningApp.embeddedEnv(tmp));
            Path log = tmp.resolve("once.log");
            Process second = RunningApp.startProcess(once, log, "--once", "workorders");
            assertThat(second.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isZero();
            assertThat(Files.readString(log)).contains("once: workorders skipped: another instance or --once run holds it");
        } finally {
            leader.destroy();
            leader.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
