package io.syncroutes.infra;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded broker's start on a thread of its own: connections wait for it, and a failed start names its reason. */
class EmbeddedAmqpBrokerStartTest {

    @TempDir
    Path dir;

    @Test
    void aConnectionMadeWhileTheBrokerStartsWaitsForIt() throws Exception {
        int port = freePort();
        EmbeddedAmqpBroker broker = new EmbeddedAmqpBroker("127.0.0.1", port, "guest", "guest", EmbeddedAmqpBroker.Store.MEMORY, dir);
        broker.startInBackground();
        try (Connection connection = broker.clientConnectionFactory().newConnection(); Channel channel = connection.createChannel()) {
            assertTrue(broker.isStarted());
            String queue = channel.queueDeclare().getQueue();
            channel.basicPublish("", queue, null, "one".getBytes(StandardCharsets.UTF_8));
            GetResponse got = null;
            for (int i = 0; i < 100 && got == null; i++) {
                got = channel.basicGet(queue, true);
                Thread.sleep(got == null ? 20 : 0);
            }
            assertEquals("one", new String(got.getBody(), StandardCharsets.UTF_8));
        } finally {
            broker.stop();
        }
    }

    @Test
    void aBrokerThatCannotStartFailsItsConnectionsAndTheContextStartWithTheReason() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("not-a-folder"), "");
        EmbeddedAmqpBroker broker = new EmbeddedAmqpBroker("127.0.0.1", freePort(), "guest", "guest",
                EmbeddedAmqpBroker.Store.MEMORY, notAFolder.resolve("amqp"));
        broker.startInBackground();
        IOException refused = assertThrows(IOException.class, () -> broker.clientConnectionFactory().newConnection());
        assertTrue(refused.getMessage().startsWith("the embedded AMQP broker did not start: "), refused.getMessage());
        assertTrue(refused.getMessage().contains("not-a-folder"), refused.getMessage());
        // the context starts its services before the routes: a failed broker fails that start again
        assertThrows(RuntimeException.class, broker::start);
        broker.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
