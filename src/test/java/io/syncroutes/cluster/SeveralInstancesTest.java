package io.syncroutes.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.syncroutes.Fixtures;
import io.syncroutes.Http;
import io.syncroutes.RunningApp;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.infra.EmbeddedAmqpBroker;
import io.syncroutes.simulators.FocusSimulator;
import io.syncroutes.simulators.IntempusSimulator;
import io.syncroutes.simulators.IvantiSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three app instances as processes on one shared folder, one MongoDB-compatible server, one broker and the Ivanti
 * and Intempus simulators, with CLUSTER_SERVICE=file. The instance leading the polled work is SIGKILLed while
 * files are dropped and products published: leadership moves within the configured time, every file is imported
 * once, every change exported once, every product reaches Ivanti (duplicates bounded by the killed instance's
 * in-flight window), and the timed Intempus pull never runs on two instances at once.
 */
class SeveralInstancesTest {

    private static final long CHECK_INTERVAL_MS = 500;
    private static final long LEADER_TIMEOUT_MS = 3_000;
    private static final long SYNC_INTERVAL_MS = 1_000;
    private static final int CONSUMERS = 2;
    private static final int PREFETCH = 5;
    private static final String QUEUE = "cluster_products_" + System.nanoTime();

    @TempDir
    Path tmp;

    private final List<Instance> instances = new ArrayList<>();
    private MongoServer mongoServer;
    private MongoClient mongo;
    private EmbeddedAmqpBroker broker;
    private String brokerHost;
    private int brokerPort;
    private IvantiSimulator ivanti;
    private IntempusSimulator intempus;
    private FocusSimulator focus;

    private record Instance(String name, int port, Process process) {
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Instance instance : instances) {
            instance.process().destroyForcibly().waitFor();
        }
        // the instances' logs, kept for a failed run
        Path logs = Files.createDirectories(Path.of("target", "several-instances-logs"));
        for (Instance instance : instances) {
            Path log = tmp.resolve("app-" + instance.name() + ".log");
            if (Files.exists(log)) {
                Files.copy(log, logs.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (intempus != null) {
            Files.write(logs.resolve("intempus-requests.log"), intempus.requestLog());
        }
        if (mongo != null) {
            mongo.close();
        }
        if (mongoServer != null) {
            mongoServer.shutdownNow();
        }
        if (broker != null) {
            broker.stop();
        }
        if (ivanti != null) {
            ivanti.close();
        }
        if (intempus != null) {
            intempus.close();
        }
        if (focus != null) {
            focus.close();
        }
    }

    @Test
    void leaderKilledWhileFilesAndProductsArriveLosesNothingAndNothingRunsTwice() throws Exception {
        String mongoUri = startBackends();
        intempus.generate(20);
        focus = new FocusSimulator("user", "focus-password", "svc", "dk", Duration.ofMinutes(30));
        focus.promotions("promotions");
        for (int i = 0; i < 10; i++) {
            focus.randomChange("promotions");
        }
        focus.start("127.0.0.1", 0);

        startInstances(mongoUri, "a", "b", "c");
        long allStarted = System.currentTimeMillis();
        long focusRunsBefore = focus.requests("state");
        Instance leader = await().atMost(Duration.ofSeconds(30)).until(() -> soleLeader("workorders-inbound", instances), l -> l != null);
        await().atMost(Duration.ofSeconds(30)).until(() -> mongo.getDatabase("tractian").getCollection("cases").countDocuments() == 20);

        // files arrive and products are published; the inbound leader is killed in the middle of both
        Path inbound = Files.createDirectories(tmp.resolve("inbound"));
        for (int i = 1; i <= 150; i++) {
            Fixtures.drop(inbound, "wo_" + i + ".json", Fixtures.workOrder(i, "2025-03-01T10:00:00+00:00").toString());
        }
        try (Connection connection = brokerConnection(); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            String sample = Fixtures.text("reference/ivanti-products/rabbitmq_message_sample_rabbitmq_message.json");
            for (int i = 0; i < 150; i++) {
                channel.basicPublish("", QUEUE, MessageProperties.PERSISTENT_TEXT_PLAIN, sample.replace("P12345", "P" + i).getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(30_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> count(tmp.resolve("done")) >= 20 && ivanti.products().size() >= 20);

            leader.process().destroyForcibly().waitFor();
            long killedAt = System.currentTimeMillis();
            List<Instance> survivors = instances.stream().filter(i -> i != leader).toList();
            for (int i = 151; i <= 300; i++) {
                Fixtures.drop(inbound, "wo_" + i + ".json", Fixtures.workOrder(i, "2025-03-01T10:00:00+00:00").toString());
            }
            for (int i = 150; i < 300; i++) {
                channel.basicPublish("", QUEUE, MessageProperties.PERSISTENT_TEXT_PLAIN, sample.replace("P12345", "P" + i).getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(30_000);

            // leadership moves within the configured time: timeout + one check interval (+ slack for a loaded machine)
            await().atMost(Duration.ofSeconds(30)).until(() -> soleLeader("workorders-inbound", survivors) != null);
            long failoverMs = System.currentTimeMillis() - killedAt;
            assertThat(failoverMs).as("failover of the inbound folder").isLessThan(LEADER_TIMEOUT_MS + CHECK_INTERVAL_MS + 5_000);

            // every file imported once: all in done, none left or in error, one document per order
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(count(inbound)).isZero();
                assertThat(count(tmp.resolve("done"))).isEqualTo(300);
            });
            assertThat(count(tmp.resolve("error"))).isZero();
            assertThat(mongo.getDatabase("tractian").getCollection("workorders").countDocuments()).isEqualTo(300);

            // every product at least once; duplicates only from the killed instance's unacknowledged window
            await().atMost(Duration.ofSeconds(90)).until(() -> ivanti.products().size() == 300);
            assertThat(ivanti.writes()).as("writes to Ivanti").isBetween(300L, 300L + CONSUMERS * PREFETCH);

            // every change exported once: all synced, then 50 changed work orders give exactly 50 more exports
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    mongo.getDatabase("tractian").getCollection("workorders").countDocuments(Filters.ne("isSynced", true)) == 0);
            // an export run adds to its totals when it ends, after its marks: wait until the totals stop moving
            long exportedBefore = settledExports(survivors);
            for (int i = 1; i <= 50; i++) {
                Fixtures.drop(inbound, "wo_" + i + "_v2.json", Fixtures.workOrder(i, "2025-03-02T10:00:00+00:00").toString());
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> count(tmp.resolve("done")) == 350
                    && mongo.getDatabase("tractian").getCollection("workorders").countDocuments(Filters.ne("isSynced", true)) == 0);
            assertThat(settledExports(survivors) - exportedBefore).as("exports of 50 changes").isEqualTo(50);
            assertThat(Files.readString(tmp.resolve("outbound").resolve("workorder_7.json"))).contains("2025-03-02T10:00:00");

            // the timed Intempus pull never ran on two instances at once. Each run starts with its offset=0 page; one
            // timer (fixed delay) starts at most one run per interval, two leaders would double that. (Gaps between two
            // runs are not compared: the first call of an instance may take most of an interval to warm up.)
            // (enough runs to tell: on a fast run everything above may be done after only 10)
            await().atMost(Duration.ofSeconds(60)).until(() -> intempus.requestLog().stream().filter(r -> r.contains("offset=0")).count() > 10);
            List<Long> starts = intempus.requestLog().stream().filter(r -> r.contains("offset=0"))
                    .map(r -> Long.parseLong(r.substring(r.lastIndexOf('@') + 1))).sorted().toList();
            assertThat(starts).hasSizeGreaterThan(10);
            long span = starts.get(starts.size() - 1) - starts.get(0);
            assertThat(starts.size() - 1L).as("cases runs over " + span + " ms").isLessThanOrEqualTo(span / SYNC_INTERVAL_MS + 2);
            // nor the Focus pull: one run (one state request for its one resource) per interval at most
            long focusRuns = focus.requests("state") - focusRunsBefore;
            long elapsed = System.currentTimeMillis() - allStarted;
            assertThat(focusRuns).as("Focus runs in " + elapsed + " ms").isGreaterThan(5).isLessThanOrEqualTo(elapsed / SYNC_INTERVAL_MS + 2);
            assertThat(mongo.getDatabase("tractian").getCollection("focus_promotions").countDocuments())
                    .isEqualTo(focus.rows("promotions").size());

            // one leader per namespace among the survivors, and each reports it
            for (String namespace : List.of("workorders-inbound", "workorders-export", "cases", "resources")) {
                assertThat(soleLeader(namespace, survivors)).as("leader of " + namespace).isNotNull();
            }
        }
    }

    @Test
    void aLeaderStoppedWithSigtermHandsOverAtOnceAndCleanly() throws Exception {
        String mongoUri = startBackends();
        startInstances(mongoUri, "a", "b");
        Instance leader = await().atMost(Duration.ofSeconds(30)).until(() -> soleLeader("workorders-inbound", instances), l -> l != null);
        Instance other = instances.stream().filter(i -> i != leader).findFirst().orElseThrow();
        Path inbound = Files.createDirectories(tmp.resolve("inbound"));
        for (int i = 1; i <= 200; i++) {
            Fixtures.drop(inbound, "wo_" + i + ".json", Fixtures.workOrder(i, "2025-03-01T10:00:00+00:00").toString());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count(tmp.resolve("done")) > 0);

        leader.process().destroy();
        assertThat(leader.process().waitFor(15, java.util.concurrent.TimeUnit.SECONDS)).as("stopped within 15 s").isTrue();
        long stoppedAt = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(30)).until(() -> soleLeader("workorders-inbound", List.of(other)) != null);
        // given up at once: well before a silent leader's timeout would let the other take over
        assertThat(System.currentTimeMillis() - stoppedAt).as("hand-over after a normal stop").isLessThan(LEADER_TIMEOUT_MS);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(count(tmp.resolve("done"))).isEqualTo(200));
        assertThat(count(inbound)).isZero();
        assertThat(count(tmp.resolve("error"))).isZero();
        assertThat(mongo.getDatabase("tractian").getCollection("workorders").countDocuments()).isEqualTo(200);
        String log = Files.readString(tmp.resolve("app-" + leader.name() + ".log"));
        assertThat(log).contains("Leading workorders-inbound: route workorders-inbound consumes now").doesNotContain(" ERROR ");
        assertThat(log.lines()).as("no stack trace").noneMatch(l -> l.matches("^\\s+at \\S+\\(.*\\)$") || l.startsWith("Caused by:"));
    }

    /** Starts the MongoDB-compatible server, the broker and the Ivanti and Intempus simulators; returns the MongoDB URI. */
    private String startBackends() throws Exception {
        mongoServer = new MongoServer(new MemoryBackend());
        mongoServer.bind("127.0.0.1", 0);
        String mongoUri = "mongodb://127.0.0.1:" + mongoServer.getLocalAddress().getPort();
        mongo = MongoClients.create(mongoUri);
        startBroker();
        ivanti = new IvantiSimulator("id", "secret-value", "key-value", Duration.ofMillis(10), 0);
        ivanti.start("127.0.0.1", 0);
        intempus = new IntempusSimulator("user", "intempus-key", Duration.ZERO);
        intempus.start("127.0.0.1", 0);
        return mongoUri;
    }

    /** Starts one instance per name and waits until each is healthy. */
    private void startInstances(String mongoUri, String... names) throws IOException {
        for (String name : names) {
            instances.add(start(name, mongoUri));
        }
        for (Instance instance : instances) {
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> Http.get(url(instance, "/observe/health")).statusCode() == 200);
        }
    }

    /** The one instance that reports leading {@code namespace} in /observe/sync, or null (none, or several). */
    private Instance soleLeader(String namespace, List<Instance> among) throws IOException {
        List<Instance> leaders = new ArrayList<>();
        for (Instance instance : among) {
            JsonNode flows = sync(instance);
            for (JsonNode flow : flows) {
                if (flow.path("leads").path(namespace).asBoolean(false)) {
                    leaders.add(instance);
                }
            }
        }
        return leaders.size() == 1 ? leaders.get(0) : null;
    }

    /** The exports counted by these instances once the count has not moved for 3 s (six export intervals). */
    private long settledExports(List<Instance> among) throws Exception {
        long last = exported(among);
        int unchanged = 0;
        for (int i = 0; i < 60; i++) {
            Thread.sleep(1_000);
            long now = exported(among);
            unchanged = now == last ? unchanged + 1 : 0;
            if (unchanged == 3) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the export counts did not settle within 60 s");
    }

    private long exported(List<Instance> among) throws IOException {
        long sum = 0;
        for (Instance instance : among) {
            sum += sync(instance).path("workorders-export").path("totals").path("exported").asLong();
        }
        return sum;
    }

    private JsonNode sync(Instance instance) throws IOException {
        HttpResponse<String> response = Http.get(url(instance, "/observe/sync"));
        assertThat(response.statusCode()).isEqualTo(200);
        return Fixtures.JSON.readTree(response.body()).path("flows");
    }

    private static String url(Instance instance, String path) {
        return "http://127.0.0.1:" + instance.port() + path;
    }

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
    }

    private void startBroker() throws Exception {
        String real = System.getProperty("sync.test.rabbitmq", "");
        if (real.isBlank()) {
            brokerHost = "127.0.0.1";
            brokerPort = SyncRoutesTestSupport.freePort();
            broker = new EmbeddedAmqpBroker(brokerHost, brokerPort, "guest", "guest", EmbeddedAmqpBroker.Store.MEMORY, tmp.resolve("amqp"));
            broker.start();
        } else {
            brokerHost = real.substring(0, real.lastIndexOf(':'));
            brokerPort = Integer.parseInt(real.substring(real.lastIndexOf(':') + 1));
        }
    }

    private Connection brokerConnection() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(brokerHost);
        factory.setPort(brokerPort);
        Connection connection = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(factory::newConnection, c -> c != null);
        // the instances declare the queue on their first connection
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Channel probe = connection.createChannel()) {
                probe.queueDeclarePassive(QUEUE);
            }
            return true;
        });
        return connection;
    }

    private Instance start(String name, String mongoUri) throws IOException {
        int port = SyncRoutesTestSupport.freePort();
        Map<String, String> env = RunningApp.clusterEnv(tmp, mongoUri, port);
        env.put("CLUSTER_CHECK_INTERVAL_MS", String.valueOf(CHECK_INTERVAL_MS));
        env.put("CLUSTER_LEADER_TIMEOUT_MS", String.valueOf(LEADER_TIMEOUT_MS));
        env.put("WORKORDERS_INBOUND_POLL_MS", "200");
        env.put("WORKORDERS_EXPORT_INTERVAL_MS", "500");
        env.put("RABBITMQ_HOST", brokerHost);
        env.put("RABBITMQ_PORT", String.valueOf(brokerPort));
        env.put("RABBITMQ_QUEUE", QUEUE);
        env.put("PRODUCTS_CONSUMERS", String.valueOf(CONSUMERS));
        env.put("PRODUCTS_PREFETCH", String.valueOf(PREFETCH));
        env.put("IVANTI_API_URL", ivanti.url());
        env.put("IVANTI_TOKEN_URL", ivanti.url() + "/oauth/token");
        env.put("IVANTI_CLIENT_ID", "id");
        env.put("IVANTI_CLIENT_SECRET", "secret-value");
        env.put("IVANTI_API_KEY", "key-value");
        env.put("INTEMPUS_API_URI", intempus.url());
        env.put("INTEMPUS_API_USER", "user");
        env.put("INTEMPUS_API_KEY", "intempus-key");
        env.put("INTEMPUS_SYNC_INTERVAL_MS", String.valueOf(SYNC_INTERVAL_MS));
        if (focus != null) {
            env.put("FOCUS_API_URL", focus.url());
            env.put("FOCUS_USER", "user");
            env.put("FOCUS_PASSWORD", "focus-password");
            env.put("FOCUS_BUSINESS_SERVICE", "svc");
            env.put("FOCUS_COUNTRY", "dk");
            env.put("FOCUS_SYNC_INTERVAL_MS", String.valueOf(SYNC_INTERVAL_MS));
        }
        return new Instance(name, port, RunningApp.startProcess(env, tmp.resolve("app-" + name + ".log")));
    }
}
