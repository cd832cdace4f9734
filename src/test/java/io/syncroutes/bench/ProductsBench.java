package io.syncroutes.bench;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.syncroutes.Fixtures;
import io.syncroutes.SyncRoutesTestSupport;
import io.syncroutes.products.ProductQueues;
import io.syncroutes.products.ProductsSync;
import io.syncroutes.simulators.IvantiSimulator;
import org.apache.camel.main.Main;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.syncroutes.bench.BenchSupport.await;
import static io.syncroutes.bench.BenchSupport.figure;

/**
 * Products end to end: N products queued, then consumed and pushed to an Ivanti stub with a fixed latency (the
 * project's simulator, or {@code --stub=wiremock}: async responses, no request journal) with the default settings, and again with one consumer and prefetch 1
 * (the reference tool's setting). Run with {@code bench/products.sh [--products=20000] [--latency-ms=10]
 * [--rabbitmq=host:port]} (default: the embedded broker, as on a fresh machine).
 */
public final class ProductsBench {

    public static void main(String... argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        int products = Integer.parseInt(args.getOrDefault("products", "20000"));
        int referenceProducts = Integer.parseInt(args.getOrDefault("reference-products", "1000"));
        int latency = Integer.parseInt(args.getOrDefault("latency-ms", "10"));
        String rabbit = args.getOrDefault("rabbitmq", "");

        String stubName = args.getOrDefault("stub", "simulator");
        AutoCloseable stub;
        String ivantiUrl;
        if (stubName.equals("wiremock")) {
            WireMockServer wiremock = new WireMockServer(options().dynamicPort().asynchronousResponseEnabled(true)
                    .asynchronousResponseThreads(64).containerThreads(128).disableRequestJournal());
            wiremock.start();
            wiremock.stubFor(post("/oauth/token").willReturn(aResponse().withStatus(200).withBody("{\"access_token\": \"t\", \"expires_in\": 3600}")));
            wiremock.stubFor(get(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(200).withFixedDelay(latency)));
            wiremock.stubFor(put(urlPathMatching("/products/.*")).willReturn(aResponse().withStatus(200).withFixedDelay(latency)));
            stub = wiremock::stop;
            ivantiUrl = "http://localhost:" + wiremock.port();
        } else {
            IvantiSimulator simulator = new IvantiSimulator("bench", "bench-secret", "bench-key", Duration.ofMillis(latency), 0);
            simulator.start("127.0.0.1", 0);
            stub = simulator;
            ivantiUrl = simulator.url();
        }
        Path work = Files.createTempDirectory("sync-routes-products-bench");
        try {
            String broker = rabbit.isBlank() ? "embedded Qpid Broker-J (Derby store)" : "RabbitMQ at " + rabbit;
            run(ivantiUrl, work, rabbit, Math.min(2_000, products), Map.of(), "warm-up");
            long defaults = run(ivantiUrl, work, rabbit, products, Map.of(), "defaults");
            long reference = run(ivantiUrl, work, rabbit, referenceProducts,
                    Map.of("products.consumers", "1", "products.prefetch", "1"), "reference");
            double defaultRate = products / (defaults / 1e9);
            double referenceRate = referenceProducts / (reference / 1e9);
            System.out.println();
            System.out.printf(Locale.ROOT, "products -> Ivanti stub (%s; GET then POST or PUT, %d ms each), broker: %s, %d cores%n",
                    stubName.equals("wiremock") ? "WireMock, async responses, no journal" : "the project's Ivanti simulator",
                    latency, broker, Runtime.getRuntime().availableProcessors());
            System.out.println(figure("default settings (8 consumers, prefetch 32)", products, defaults));
            System.out.println(figure("1 consumer, prefetch 1 (reference tool)", referenceProducts, reference));
            System.out.printf(Locale.ROOT, "%-44s %6.1f x%n", "defaults vs reference setting", defaultRate / referenceRate);
        } finally {
            stub.close();
            BenchSupport.delete(work);
        }
    }

    /** Queues n products with the consumer stopped, then times consuming all of them. */
    private static long run(String ivantiUrl, Path work, String rabbit, int n, Map<String, String> extra, String name) throws Exception {
        String queue = "products_bench_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> props = new HashMap<>();
        props.put("http.port", "0");
        props.put("mongo.embedded.backend", "memory");
        props.put("mongo.embedded.port", "0");
        props.put("workorders.inbound.dir", work.resolve(name + "/inbound").toString());
        props.put("workorders.done.dir", work.resolve(name + "/done").toString());
        props.put("workorders.error.dir", work.resolve(name + "/error").toString());
        props.put("workorders.outbound.dir", work.resolve(name + "/outbound").toString());
        props.put("workorders.export.interval-ms", "86400000");
        props.put("ivanti.api-url", ivantiUrl);
        props.put("ivanti.token-url", ivantiUrl + "/oauth/token");
        props.put("ivanti.client-id", "bench");
        props.put("ivanti.client-secret", "bench-secret");
        props.put("ivanti.api-key", "bench-key");
        props.put("products.queue", queue);
        props.put("products.stats-interval-ms", "3600000");
        if (rabbit.isBlank()) {
            props.put("rabbitmq.host", "");
            props.put("rabbitmq.embedded.port", String.valueOf(SyncRoutesTestSupport.freePort()));
            props.put("rabbitmq.embedded.dir", work.resolve(name + "/amqp").toString());
        } else {
            props.put("rabbitmq.host", rabbit.split(":")[0]);
            props.put("rabbitmq.port", rabbit.split(":")[1]);
        }
        props.putAll(extra);
        // --set=key=value,key=value: any app setting, e.g. to compare monitoring on and off
        for (String kv : System.getProperty("bench.set", "").split(",")) {
            if (kv.contains("=")) {
                props.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        Main app = BenchSupport.startApp(props);
        try {
            app.getCamelContext().getRouteController().stopRoute("products-sync");
            ConnectionFactory factory = app.getCamelContext().getRegistry().lookupByNameAndType("rabbitConnectionFactory", ConnectionFactory.class);
            ProductQueues queues = app.getCamelContext().getRegistry().lookupByNameAndType("productQueues", ProductQueues.class);
            ProductsSync sync = app.getCamelContext().getRegistry().lookupByNameAndType("productsSync", ProductsSync.class);
            RabbitTemplate template = new RabbitTemplate(factory);
            String sample = Fixtures.text("reference/ivanti-products/rabbitmq_message_sample_rabbitmq_message.json");
            MessageProperties properties = new MessageProperties();
            properties.setContentType("application/json");
            for (int i = 0; i < n; i++) {
                template.send("", queue, new Message(sample.replace("P12345", "P" + i).getBytes(StandardCharsets.UTF_8), properties));
            }
            await("products queued", 120_000, () -> queues.depth() >= n);
            sync.endBatch(null);

            long t0 = System.nanoTime();
            app.getCamelContext().getRouteController().startRoute("products-sync");
            await("every product delivered", 3_600_000, () -> sync.currentBatch().get("total_processed") >= n);
            long nanos = System.nanoTime() - t0;
            if (sync.currentBatch().get("successful_syncs") != n) {
                throw new IllegalStateException(name + ": " + sync.currentBatch().summary());
            }
            System.out.println(name + ": " + figure(name, n, nanos));
            if (System.getProperty("bench.dump") != null) {
                System.out.println(app.getCamelContext().getCamelContextExtension()
                        .getContextPlugin(org.apache.camel.api.management.ManagedCamelContext.class)
                        .getManagedRoute("products-sync").dumpRouteStatsAsXml(true, false));
            }
            new RabbitAdmin(factory).deleteQueue(queue);
            new RabbitAdmin(factory).deleteQueue(queue + "_dlq");
            return nanos;
        } finally {
            app.stop();
        }
    }
}
