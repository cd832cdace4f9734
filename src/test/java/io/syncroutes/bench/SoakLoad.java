package io.syncroutes.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The soak's steady input, with what each piece should become: work-order files dropped into the inbound folder
 * (one-object and array files, about 1 % bad records and 1 % broken files, some older versions sent again) and
 * product messages published to the queue (about 1 % invalid).
 */
final class SoakLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] FLAGS = {"isCanceled", "isDone", "isOnHold", "isActive", "isPending"};
    static final int ORDER_NUMBERS = 2000;

    private final Random random = new Random(2929);
    private final Path inbound;
    private final ConnectionFactory amqp;
    private final String queue;
    private Connection connection;
    private Channel channel;
    private Connection probe;
    private long fileSeq;
    private long productSeq;
    private long versionClock = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

    /** Every version sent of each work order: its lastUpdateDate (ms) -> summary. */
    final Map<Integer, Map<Long, String>> sent = new HashMap<>();
    /** The newest version of each work order that reached a file that is not broken. */
    final Map<Integer, Long> newest = new HashMap<>();
    final Set<String> badRecords = ConcurrentHashMap.newKeySet();
    final Set<String> badFiles = ConcurrentHashMap.newKeySet();
    final Set<String> validProducts = ConcurrentHashMap.newKeySet();
    final Set<String> invalidProducts = ConcurrentHashMap.newKeySet();
    long records;
    long resent;

    SoakLoad(Path inbound, String host, int port, String queue) {
        this.inbound = inbound;
        this.queue = queue;
        amqp = new ConnectionFactory();
        amqp.setHost(host);
        amqp.setPort(port);
        amqp.setAutomaticRecoveryEnabled(true);
    }

    long files() {
        return fileSeq;
    }

    /** Writes one file under a temporary name, then renames it into place (a writer's way; the app reads *.json only). */
    void dropFile() throws IOException {
        String name = String.format("soak_%08d.json", ++fileSeq);
        boolean broken = random.nextInt(100) == 0;
        boolean single = random.nextInt(3) == 0;
        int count = single ? 1 : 1 + random.nextInt(20);
        ArrayNode file = JSON.createArrayNode();
        Map<Integer, Long> versions = new HashMap<>();
        for (int i = 0; i < count; i++) {
            if (random.nextInt(100) == 0) {
                String marker = "bad-" + fileSeq + "-" + i;
                file.addObject().put("orderNo", marker).put("summary", "a bad record of the soak");
                if (!broken) {
                    badRecords.add(marker);
                }
                continue;
            }
            int number = 1 + random.nextInt(ORDER_NUMBERS);
            Map<Long, String> history = sent.computeIfAbsent(number, n -> new HashMap<>());
            long version;
            String summary;
            if (!history.isEmpty() && random.nextInt(100) < 3) {
                List<Long> older = new ArrayList<>(history.keySet());
                version = older.get(random.nextInt(older.size()));
                summary = history.get(version);
                resent++;
            } else {
                version = ++versionClock;
                summary = "Work order " + number + " v" + version;
                if (!broken) {
                    history.put(version, summary);
                }
            }
            file.add(order(number, version, summary));
            versions.merge(number, version, Math::max);
        }
        String text = single && file.size() == 1 ? file.get(0).toString() : file.toString();
        if (broken) {
            // broken in the middle (a file that only ends early would wait for the rest of it)
            text = "[" + order(1, versionClock, "never imported") + ", {\"orderNo\": 1, \"summary\": ]}]";
            badFiles.add(name);
        } else {
            versions.forEach((number, version) -> newest.merge(number, version, Math::max));
            records += file.size();
        }
        Path tmp = inbound.resolve(name + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, inbound.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private ObjectNode order(int number, long version, String summary) {
        ObjectNode order = JSON.createObjectNode().put("orderNo", number);
        for (String flag : FLAGS) {
            order.put(flag, false);
        }
        order.put(FLAGS[(int) (version % FLAGS.length)], true);
        return order.put("isDeleted", false).put("summary", summary)
                .put("creationDate", "2024-12-01T00:00:00Z")
                .put("lastUpdateDate", Instant.ofEpochMilli(version).toString())
                .putNull("deletedDate");
    }

    /** Publishes one product message (publisher-confirmed): mostly new products, some updates, about 1 % invalid. */
    void publishProduct() throws Exception {
        if (channel == null || !channel.isOpen()) {
            connect();
        }
        String id;
        if (!validProducts.isEmpty() && random.nextInt(5) == 0) {
            id = "S" + (1 + random.nextInt((int) productSeq));
        } else {
            id = "S" + (++productSeq);
        }
        boolean invalid = random.nextInt(100) == 0;
        if (invalid) {
            id = "X" + (++productSeq);
        }
        ObjectNode message = JSON.createObjectNode().put("productId", id).put("productName", "Soak product " + id + " #" + productSeq);
        message.putArray("productElements").addObject()
                .put("Lenght", 50).put("Procuct Element", "Elemento").put("Type", "Hardware")
                .put("GG Startup", 3).put("RU", "Resource Unit").put("RU Qty", 10).put("RU Unit of measure", "Giorni")
                .put("Q.ty min", 1).put("Q.ty MAX", 100).put("%Sconto MAX", 15).put("Startup Costo", 500.0)
                .put("Startup Margine", 20).put("Startup Prezzo", 600.0).put("Canone Costo Mese", 100.0)
                .put("Canone Margine", 10).put("Canone Prezzo Mese", 110.0).put("Extended Description", "Descrizione")
                .put("Profit Center Prevalente", "PC-1").put("Status", "Active").put("Note", "soak").put("Object", "OBJ-1");
        if (invalid) {
            message.remove("productName");
        }
        channel.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, message.toString().getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(30_000);
        (invalid ? invalidProducts : validProducts).add(id);
    }

    /** Waits for the queue the app declares, then opens the publishing channel. */
    void connect() throws Exception {
        if (connection == null) {
            connection = amqp.newConnection("soak-load");
        }
        BenchSupport.await("queue " + queue, 120_000, () -> depth(queue) >= 0);
        channel = connection.createChannel();
        channel.confirmSelect();
    }

    /** Messages ready in a queue, or -1 when it cannot be asked (no such queue, broker away). */
    synchronized long depth(String name) {
        try {
            if (probe == null || !probe.isOpen()) {
                probe = amqp.newConnection("soak-probe");
            }
            try (Channel ch = probe.createChannel()) {
                return ch.queueDeclarePassive(name).getMessageCount();
            }
        } catch (Exception e) {
            return -1;
        }
    }

    /** Takes every message out of the dead-letter queue; returns their product ids (or bodies when not JSON). */
    List<String> drainDeadLetters() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection probe = amqp.newConnection("soak-dlq"); Channel ch = probe.createChannel()) {
            GetResponse response;
            while ((response = ch.basicGet(queue + "_dlq", true)) != null) {
                String body = new String(response.getBody(), StandardCharsets.UTF_8);
                try {
                    ids.add(JSON.readTree(body).path("productId").asText(body));
                } catch (IOException e) {
                    ids.add(body);
                }
            }
        }
        return ids;
    }

    /** Deletes the soak's queues (named {@code soak_products_*}) left on a real RabbitMQ, once the app has stopped. */
    static void deleteSoakQueues(String hostPort) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(hostPort.substring(0, hostPort.lastIndexOf(':')));
        factory.setPort(Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)));
        try (Connection connection = factory.newConnection("soak-cleanup"); Channel ch = connection.createChannel()) {
            for (String queue : SoakApp.queuesUsed()) {
                ch.queueDelete(queue);
                ch.queueDelete(queue + "_dlq");
            }
        } catch (Exception e) {
            System.out.println("could not delete the soak's queues: " + e.getMessage());
        }
    }

    void close() {
        try {
            if (connection != null) {
                connection.close();
            }
            if (probe != null) {
                probe.close();
            }
        } catch (Exception e) {
            // closing anyway
        }
    }
}
