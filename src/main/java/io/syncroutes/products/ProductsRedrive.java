package io.syncroutes.products;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.SyncStats;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Dead-letter re-drive: moves messages from {@code <queue>_dlq} back to {@code <queue>} once their cause is fixed.
 * Each message is published again (persistent, mandatory, publisher-confirmed) before it is acknowledged in the DLQ,
 * so a broker that refuses (nack, unroutable, connection lost) leaves it in the DLQ: nothing is lost, at worst a
 * message is in both queues. The reason headers {@code x-sync-*} are kept as {@code x-sync-previous-*}.
 */
public final class ProductsRedrive implements DeadLettersMBean {

    private static final Logger LOG = LoggerFactory.getLogger(ProductsRedrive.class);
    private static final int BATCH = 100;

    /** Opens a connection of its own (not the consumers'). */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws Exception;
    }

    private final Connections connections;
    private final ProductQueues queues;
    private final long confirmTimeoutMs;
    private volatile FlowState state;

    /** Where each re-drive is recorded: a run, and a ledger entry per message moved. */
    public ProductsRedrive state(FlowState state) {
        this.state = state;
        return this;
    }

    public ProductsRedrive(Connections connections, ProductQueues queues, long confirmTimeoutMs) {
        this.connections = connections;
        this.queues = queues;
        this.confirmTimeoutMs = confirmTimeoutMs;
    }

    @Override
    public long getDeadLetterCount() {
        return queues.deadLetterDepth();
    }

    /** {@code POST /observe/products/redrive[?limit=N]}: the outcome as JSON; 503 when the broker refused. */
    public Map<String, Object> redriveRequest(Exchange exchange) {
        String limit = exchange.getMessage().getHeader("limit", String.class);
        int max;
        try {
            max = limit == null || limit.isBlank() ? 0 : Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
            return Map.of("error", "limit must be a number, not '" + limit + "'");
        }
        Map<String, Object> outcome = redrive(max, "rest");
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, outcome.get("failure") == null ? 200 : 503);
        return outcome;
    }

    @Override
    public Map<String, Object> redrive(int limit) {
        return redrive(limit, "jmx");
    }

    private synchronized Map<String, Object> redrive(int limit, String trigger) {
        SyncStats run = new SyncStats("products", "re-drive", "moved").trigger(trigger);
        int max = limit <= 0 ? Integer.MAX_VALUE : limit;
        long moved = 0;
        String failure = null;
        try (Connection connection = connections.open(); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            AtomicReference<String> returned = new AtomicReference<>();
            channel.addReturnListener(r -> returned.compareAndSet(null, "the broker could not route a message to "
                    + queues.name() + " (" + r.getReplyText() + ")"));
            while (moved < max && failure == null) {
                List<Long> tags = new ArrayList<>();
                List<AMQP.BasicProperties> sent = new ArrayList<>();
                for (int i = 0; i < BATCH && moved + tags.size() < max; i++) {
                    GetResponse message = channel.basicGet(queues.deadLetterName(), false);
                    if (message == null) {
                        break;
                    }
                    channel.basicPublish("", queues.name(), true, redriven(message.getProps()), message.getBody());
                    tags.add(message.getEnvelope().getDeliveryTag());
                    sent.add(message.getProps());
                }
                if (tags.isEmpty()) {
                    break;
                }
                boolean confirmed = channel.waitForConfirms(confirmTimeoutMs);
                if (returned.get() != null || !confirmed) {
                    failure = returned.get() != null ? returned.get() : "the broker did not confirm the messages published to " + queues.name();
                    // left in the DLQ (delivered again there); some of them may now be in both queues
                    channel.basicNack(tags.get(tags.size() - 1), true, true);
                } else {
                    channel.basicAck(tags.get(tags.size() - 1), true);
                    moved += tags.size();
                    sent.forEach(props -> ledger(props, run));
                }
            }
        } catch (Exception e) {
            // unacknowledged messages return to the DLQ when the channel closes
            failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        long left = queues.deadLetterDepth();
        FlowState recorded = state;
        if (recorded != null && (moved > 0 || failure != null)) {
            run.add("moved", moved);
            if (failure != null) {
                run.error("re-drive", failure);
            }
            recorded.recordRun(run.finish());
        }
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("moved", moved);
        outcome.put("from", queues.deadLetterName());
        outcome.put("to", queues.name());
        outcome.put("leftInDeadLetterQueue", left);
        outcome.put("failure", failure);
        if (failure == null) {
            LOG.info("re-drive: {} dead letter(s) moved from {} to {} ({} left)", moved, queues.deadLetterName(), queues.name(), left);
        } else {
            LOG.warn("re-drive stopped after {} dead letter(s) moved from {} to {}: {}; the others stay in {} ({} left)",
                    moved, queues.deadLetterName(), queues.name(), failure, queues.deadLetterName(), left);
        }
        return outcome;
    }

    private void ledger(AMQP.BasicProperties props, SyncStats run) {
        FlowState recorded = state;
        if (recorded == null) {
            return;
        }
        Object id = props.getHeaders() == null ? null : props.getHeaders().get(ProductsSync.DEAD_LETTER_PRODUCT_ID);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("messageId", messageId(props));
        source.put("from", queues.deadLetterName());
        recorded.ledger("products", String.valueOf(id), "re-driven", source, run.runId());
    }

    /** The dead letter's properties with its {@code x-sync-*} reason headers renamed {@code x-sync-previous-*}. */
    static AMQP.BasicProperties redriven(AMQP.BasicProperties props) {
        Map<String, Object> headers = new HashMap<>();
        if (props.getHeaders() != null) {
            props.getHeaders().forEach((name, value) -> {
                if (name.startsWith("x-sync-previous-")) {
                    headers.putIfAbsent(name, value);
                } else if (name.startsWith("x-sync-")) {
                    headers.put("x-sync-previous-" + name.substring("x-sync-".length()), value);
                } else if (!name.equals("x-death")) {
                    headers.put(name, value);
                }
            });
        }
        return props.builder().headers(headers).messageId(messageId(props)).deliveryMode(2).build();
    }

    /** The original message's AMQP message id: the dead letter's own, or the one its headers kept. */
    private static String messageId(AMQP.BasicProperties props) {
        if (props.getMessageId() != null) {
            return props.getMessageId();
        }
        Object kept = props.getHeaders() == null ? null : props.getHeaders().get(ProductsSync.DEAD_LETTER_MESSAGE_ID);
        return kept == null ? null : kept.toString();
    }
}
