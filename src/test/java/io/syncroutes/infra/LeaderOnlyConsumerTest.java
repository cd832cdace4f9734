package io.syncroutes.infra;

import io.syncroutes.LogCapture;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code master:} over the file-lock cluster service: the leader's consumer starts once, a start that fails (its
 * folder is missing) is tried again while leading until it succeeds, with one WARN line for the reason.
 */
class LeaderOnlyConsumerTest {

    @Test
    void aConsumerThatCannotStartIsRetriedWhileLeadingAndStartsOnce(@TempDir Path tmp) throws Exception {
        Path inbound = tmp.resolve("inbound");
        List<String> consumed = new CopyOnWriteArrayList<>();
        FileLockClusterService cluster = new FileLockClusterService();
        cluster.setRoot(tmp.resolve("cluster").toString());
        cluster.setAcquireLockInterval(200, TimeUnit.MILLISECONDS);
        cluster.setAcquireLockDelay(100, TimeUnit.MILLISECONDS);
        LogCapture logs = new LogCapture().start();
        try (CamelContext context = new DefaultCamelContext()) {
            context.addService(cluster);
            context.addComponent("master", new LeaderOnlyComponent(cluster, 300));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("master:inbound:file:" + inbound + "?startingDirectoryMustExist=true&autoCreate=false&delay=100")
                            .routeId("inbound").process(exchange -> consumed.add(exchange.getMessage().getHeader("CamelFileName", String.class)));
                }
            });
            context.start();

            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.isLeader("inbound"));
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.text().lines().anyMatch(l -> l.contains("cannot consume yet")));
            Thread.sleep(1_000);
            assertThat(logs.text().lines().filter(l -> l.contains("cannot consume yet"))).as("one line per reason").hasSize(1);

            Files.createDirectories(inbound);
            Files.writeString(inbound.resolve("a.json"), "{}");
            await().atMost(Duration.ofSeconds(5)).until(() -> consumed.contains("a.json"));
            Thread.sleep(1_000);
            assertThat(logs.text().lines().filter(l -> l.contains("Leading inbound: route inbound consumes now"))).hasSize(1);
            assertThat(consumed).containsExactly("a.json");
        } finally {
            logs.stop();
        }
    }
}
