package io.syncroutes.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.syncroutes.RunningApp;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.infra.EmbeddedAmqpBroker;
import io.syncroutes.simulators.IvantiSimulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several instances (CLUSTER_SERVICE=file, processes on this machine): products/s with 1, 2 and 3 instances
 * competing on one queue against the Ivanti simulator (the 1-instance run is the baseline of the ratios), and the
 * failover time of the inbound folder's leadership over several SIGKILLs of its leader, beside the configured bound.
 * <pre>bench/cluster.sh [--products=3000] [--latency-ms=10] [--kills=5] [--rabbitmq=127.0.0.1:5672]</pre>
 */
public final class ClusterBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path tmp;
    private final String mongoUri;
    private final String brokerHost;
    private final int brokerPort;
    private final IvantiSimulator ivanti;
    private final List<Instance> running = new ArrayList<>();
    private double lastCpuPerThousand;

    private record Instance(int port, Process process) {
    }

    private ClusterBench(Path tmp, String mongoUri, String brokerHost, int brokerPort, IvantiSimulator ivanti) {
        this.tmp = tmp;
        this.mongoUri = mongoUri;
        this.brokerHost = brokerHost;
        this.brokerPort = brokerPort;
        this.ivanti = ivanti;
    }

    public static void main(String... args) throws Exception {
        Map<String, String> options = BenchSupport.args(args);
        int products = Integer.parseInt(options.getOrDefault("products", "3000"));
        int latency = Integer.parseInt(options.getOrDefault("latency-ms", "10"));
        int kills = Integer.parseInt(options.getOrDefault("kills", "5"));
        Path tmp = Files.createTempDirectory("sync-routes-cluster-bench");
        MongoServer mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        String real = options.getOrDefault("rabbitmq", "");
        EmbeddedAmqpBroker broker = null;
        String host = "127.0.0.1";
        int port;
        if (real.isBlank()) {
            port = SyncRoutesTestSupport.freePort();
            broker = new EmbeddedAmqpBroker(host, port, "guest", "guest", EmbeddedAmqpBroker.Store.MEMORY, tmp.resolve("amqp"));
            broker.start();
        } else {
            host = real.substring(0, real.lastIndexOf(':'));
            port = Integer.parseInt(real.substring(real.lastIndexOf(':') + 1));
        }
        IvantiSimulator ivanti = new IvantiSimulator("id", "secret-value", "key-value", Duration.ofMillis(latency), 0);
        ivanti.start("127.0.0.1", 0);
        ClusterBench bench = new ClusterBench(tmp, "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort(), host, port, ivanti);
        System.out.printf("Several instances (CLUSTER_SERVICE=file), %d cores, MongoDB: mongo-java-server memory backend, broker: %s, "
                + "Ivanti simulator latency %d ms, each instance its own JVM%n", Runtime.getRuntime().availableProcessors(),
                broker == null ? "RabbitMQ " + real : "embedded Qpid (memory)", latency);
        try {
            double single = 0;
            for (int n = 1; n <= 3; n++) {
                double rate = bench.products(n, products);
                if (n == 1) {
                    single = rate;
                }
                System.out.printf("products, %d instance(s) (%d consumers x prefetch 32 each): %,d products after as many to warm up: "
                        + "%,.0f products/s (%.2fx one instance), instances' CPU %,.0f ms per 1,000 products%n", n, 8, products, rate, rate / single,
                        bench.lastCpuPerThousand);
            }
            System.out.println("  (this machine's cores are shared by every instance: the figures show the overhead of competing"
                    + " consumers, not the scale-up of instances on machines of their own)");
            if (kills > 0) {
                bench.failover(kills);
            }
        } finally {
            bench.stopAll();
            ivanti.close();
            if (broker != null) {
                broker.stop();
            }
            mongo.shutdownNow();
            BenchSupport.delete(tmp);
        }
    }

    /** Products/s of {@code n} instances draining {@code count} products published at once. */
    private double products(int n, int count) throws Exception {
        String queue = "cluster_bench_" + n + "_" + System.nanoTime();
        for (int i = 0; i < n; i++) {
            running.add(start(Map.of("RABBITMQ_QUEUE", queue)));
        }
        awaitHealthy();
        String sample = io.syncroutes.Fixtures.text("reference/ivanti-products/rabbitmq_message_sample_rabbitmq_message.json");
        // a warm-up round of the same size on the same instances first (JIT, connections, tokens), then the measured one
        publishAndWait(queue, sample, "W" + n + "_", count);
        long cpuBefore = instancesCpuMs();
        long elapsed = publishAndWait(queue, sample, "B" + n + "_", count);
        long cpu = instancesCpuMs() - cpuBefore;
        lastCpuPerThousand = cpu * 1000.0 / count;
        stopAll();
        return BenchSupport.perSecond(count, elapsed);
    }

    /** CPU time used so far by the running instances' JVMs, in ms. */
    private long instancesCpuMs() {
        return running.stream().mapToLong(i -> i.process().info().totalCpuDuration().map(Duration::toMillis).orElse(0L)).sum();
    }

    /** Publishes {@code count} products (ids {@code prefix}0..) and waits until Ivanti has them all; returns the nanoseconds taken. */
    private long publishAndWait(String queue, String sample, String prefix, int count) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(brokerHost);
        factory.setPort(brokerPort);
        long started;
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            BenchSupport.await("queue " + queue, 60_000, () -> {
                try (Channel probe = connection.createChannel()) {
                    probe.queueDeclarePassive(queue);
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            channel.confirmSelect();
            started = System.nanoTime();
            for (int i = 0; i < count; i++) {
                channel.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN,
                        sample.replace("P12345", prefix + i).getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(60_000);
        }
        BenchSupport.await(count + " products", 600_000, () -> ivanti.products().keySet().stream().filter(id -> id.startsWith(prefix)).count() == count);
        return System.nanoTime() - started;
    }

    /** SIGKILLs the leader of the inbound folder {@code kills} times (a new instance replaces it each time). */
    private void failover(int kills) throws Exception {
        for (int i = 0; i < 3; i++) {
            running.add(start(Map.of()));
        }
        awaitHealthy();
        List<Long> toLeader = new ArrayList<>();
        List<Long> toImport = new ArrayList<>();
        Path inbound = Files.createDirectories(tmp.resolve("inbound"));
        for (int k = 1; k <= kills; k++) {
            BenchSupport.await("one leader", 60_000, () -> leaders().size() == 1);
            Instance leader = leaders().get(0);
            leader.process().destroyForcibly().waitFor();
            long killed = System.nanoTime();
            running.remove(leader);
            Files.writeString(inbound.resolve("failover_" + k + ".json"), "{\"orderNo\": " + (900000 + k) + ", \"summary\": \"failover " + k
                    + "\", \"isActive\": true, \"isCanceled\": false, \"isDeleted\": false, \"isDone\": false, \"isOnHold\": false,"
                    + " \"isPending\": false, \"creationDate\": \"2025-01-01T00:00:00+00:00\", \"lastUpdateDate\": \"2025-01-01T00:00:00+00:00\","
                    + " \"deletedDate\": null}");
            BenchSupport.await("a new leader", 120_000, () -> leaders().size() == 1);
            toLeader.add((System.nanoTime() - killed) / 1_000_000);
            Path done = tmp.resolve("done").resolve("failover_" + k + ".json");
            BenchSupport.await("the file dropped at the kill", 120_000, () -> Files.exists(done));
            toImport.add((System.nanoTime() - killed) / 1_000_000);
            System.out.printf("failover %d: new leader after %,d ms; the file dropped at the kill imported after %,d ms%n",
                    k, toLeader.get(k - 1), toImport.get(k - 1));
            running.add(start(Map.of()));
            awaitHealthy();
        }
        System.out.printf("failover over %d kills: new leader min %,d / median %,d / max %,d ms; file imported median %,d ms; "
                + "configured bound: CLUSTER_LEADER_TIMEOUT_MS 10,000 + CLUSTER_CHECK_INTERVAL_MS 2,000 = 12,000 ms "
                + "(the file also waits 1 s at rest and a poll)%n", kills, min(toLeader), median(toLeader), max(toLeader), median(toImport));
    }

    private List<Instance> leaders() {
        List<Instance> leaders = new ArrayList<>();
        for (Instance instance : running) {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + "/observe/sync"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode leads = JSON.readTree(response.body()).path("flows").path("workorders-inbound").path("leads");
                if (leads.path("workorders-inbound").asBoolean(false)) {
                    leaders.add(instance);
                }
            } catch (IOException | InterruptedException e) {
                // not answering (yet): not a leader
            }
        }
        return leaders;
    }

    private void awaitHealthy() throws InterruptedException {
        for (Instance instance : running) {
            BenchSupport.await("instance on " + instance.port(), 120_000, () -> {
                try {
                    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + "/observe/health"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
        }
    }

    private Instance start(Map<String, String> extra) throws IOException {
        int port = SyncRoutesTestSupport.freePort();
        Map<String, String> env = RunningApp.clusterEnv(tmp, mongoUri, port);
        env.put("RABBITMQ_HOST", brokerHost);
        env.put("RABBITMQ_PORT", String.valueOf(brokerPort));
        env.put("RABBITMQ_QUEUE", "cluster_bench_idle");
        env.put("IVANTI_API_URL", ivanti.url());
        env.put("IVANTI_TOKEN_URL", ivanti.url() + "/oauth/token");
        env.put("IVANTI_CLIENT_ID", "id");
        env.put("IVANTI_CLIENT_SECRET", "secret-value");
        env.put("IVANTI_API_KEY", "key-value");
        env.put("JAVA_TOOL_OPTIONS", "-Xmx512m");
        env.putAll(extra);
        return new Instance(port, RunningApp.startProcess(env, tmp.resolve("app-" + port + ".log")));
    }

    private void stopAll() throws InterruptedException {
        for (Instance instance : running) {
            instance.process().destroy();
        }
        for (Instance instance : running) {
            if (!instance.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                instance.process().destroyForcibly().waitFor();
            }
        }
        running.clear();
    }

    private static long min(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).min().orElse(-1);
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }
}
