package io.syncroutes.products;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import io.syncroutes.shared.CircuitBreakerRoutePolicy;
import io.syncroutes.shared.Failures;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.Provenance;
import io.syncroutes.shared.Secrets;
import io.syncroutes.shared.SyncStats;
import org.apache.camel.Exchange;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.springframework.amqp.rabbit.connection.ChannelProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of one product message around the Ivanti calls: prepare the request, acknowledge it once delivered
 * or dead-lettered (never before), describe a dead letter, and count batches.
 */
public class ProductsSync {

    static final String PRODUCT_ID = "productId";
    static final String IVANTI_BODY = "ivantiBody";
    /** Dead-letter headers the re-drive reads back: the product's id and the id of the message as first delivered. */
    static final String DEAD_LETTER_PRODUCT_ID = "x-sync-product-id";
    static final String DEAD_LETTER_MESSAGE_ID = "x-sync-message-id";
    private static final String DELIVERY_TAG = "productsDeliveryTag";
    private static final String DELIVERY_CHANNEL = "productsDeliveryChannel";
    private static final String MESSAGE_ID = "productsMessageId";
    private static final String REDELIVERED = "productsRedelivered";
    private static final Pattern ID_IN_TEXT = Pattern.compile("\"productId\"\\s*:\\s*(?:\"([^\"]{1,200})\"|(-?\\d[\\d.eE+-]{0,199}))");

    private static final Logger LOG = LoggerFactory.getLogger(ProductsSync.class);

    private final ProductMapper mapper;
    private final ProductQueues queues;
    private final Secrets secrets;
    private volatile int idleLooks;
    private final AtomicReference<SyncStats> batch = new AtomicReference<>();

    private final FlowState state;
    private volatile CircuitBreakerRoutePolicy breaker;

    public ProductsSync(ProductMapper mapper, ProductQueues queues, Secrets secrets, FlowState state) {
        this.mapper = mapper;
        this.queues = queues;
        this.state = state.lag("messages ready in " + queues.name(), queues::depth);
        this.secrets = secrets;
        newBatch();
    }

    /**
     * Validates and maps the message: the Ivanti body goes to the {@code ivantiBody} property, the product id to
     * {@code productId}; the message's own headers are dropped so none of them reaches Ivanti.
     */
    public void prepare(Exchange exchange) {
        exchange.setProperty(DELIVERY_TAG, exchange.getMessage().getHeader(SpringRabbitMQConstants.DELIVERY_TAG));
        exchange.setProperty(MESSAGE_ID, exchange.getMessage().getHeader(SpringRabbitMQConstants.MESSAGE_ID));
        exchange.setProperty(REDELIVERED, exchange.getMessage().getHeader(SpringRabbitMQConstants.REDELIVERED));
        // the channel the message came on itself: a cached channel's proxy would open a new channel once that one
        // is closed (e.g. the consumer paused), where the delivery tag is unknown and the broker closes it again
        Channel channel = exchange.getProperty(SpringRabbitMQConstants.CHANNEL, Channel.class);
        exchange.setProperty(DELIVERY_CHANNEL, channel instanceof ChannelProxy proxy ? proxy.getTargetChannel() : channel);
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        exchange.setProperty(PRODUCT_ID, productIdIn(raw));
        JsonNode message = mapper.parse(raw == null ? new byte[0] : raw);
        String id = mapper.productId(message);
        exchange.setProperty(PRODUCT_ID, id);
        exchange.setProperty(IVANTI_BODY, mapper.toIvanti(message).toString());
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, productPath(id));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(null);
    }

    /** Ivanti's path of a product: {@code /products/<id>}, the id URL-encoded. */
    static String productPath(String id) {
        return "/products/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The product reached Ivanti: acknowledge the message, count it, and name it in the ledger (created or updated). */
    public void delivered(Exchange exchange) {
        ack(exchange);
        SyncStats stats = batch.get();
        String action = "/products".equals(exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class)) ? "created" : "updated";
        state.ledger("products", String.valueOf(exchange.getProperty(PRODUCT_ID)), action, source(exchange), stats.runId());
        stats.increment("total_processed");
        stats.increment("successful_syncs");
        state.count("total_processed", 1);
        state.count("successful_syncs", 1);
    }

    /**
     * Turns the original message into its dead letter: the same body and headers, plus headers stating the reason,
     * the HTTP status and response excerpt, and the number of attempts; secrets masked.
     */
    public void deadLetter(Exchange exchange) {
        Failures.Failure failure = Failures.of(exchange);
        int attempts = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class) + 1;
        exchange.getMessage().removeHeaders("Camel*");
        exchange.getMessage().setHeader("x-sync-error-reason", secrets.mask(failure.reason()));
        exchange.getMessage().setHeader("x-sync-error-status", failure.status());
        exchange.getMessage().setHeader("x-sync-error-body", secrets.mask(failure.body()));
        exchange.getMessage().setHeader("x-sync-attempts", attempts);
        exchange.getMessage().setHeader("x-sync-failed-at", Instant.now().toString());
        exchange.getMessage().setHeader(DEAD_LETTER_PRODUCT_ID, String.valueOf(exchange.getProperty(PRODUCT_ID)));
        if (exchange.getProperty(MESSAGE_ID) != null) {
            // the AMQP message id is not carried over to the dead letter's properties: kept as a header for the re-drive
            exchange.getMessage().setHeader(DEAD_LETTER_MESSAGE_ID, String.valueOf(exchange.getProperty(MESSAGE_ID)));
        }
        exchange.getMessage().setHeader(SpringRabbitMQConstants.CONTENT_TYPE, "application/json");
    }

    /** The dead letter is in the DLQ (publisher-confirmed): acknowledge the original and count it. */
    public void deadLettered(Exchange exchange) {
        ack(exchange);
        SyncStats stats = batch.get();
        String id = String.valueOf(exchange.getProperty(PRODUCT_ID));
        String reason = exchange.getMessage().getHeader("x-sync-error-reason", String.class);
        stats.increment("total_processed");
        stats.increment("failed_syncs");
        stats.error(id, reason);
        Map<String, Object> source = source(exchange);
        source.put("reason", reason);
        state.ledger("products", id, "dead-lettered", source, stats.runId());
        state.count("total_processed", 1);
        state.count("failed_syncs", 1);
        state.error(id, reason);
    }

    /** The circuit breaker on Ivanti that {@link #holdBack} reports to. */
    public ProductsSync breaker(CircuitBreakerRoutePolicy breaker) {
        this.breaker = breaker;
        return this;
    }

    /**
     * Ivanti is unavailable for this message (transient failures outlasted the retries, or it rejected the
     * credentials): the message goes back to the queue undelivered (not to the DLQ) and the circuit breaker
     * counts the failure; enough of them pause the consumer until Ivanti answers again.
     */
    public void holdBack(Exchange exchange) {
        String reason = secrets.mask(Failures.of(exchange).reason());
        if (breaker != null) {
            breaker.unavailable(exchange, reason);
        }
        requeue(exchange);
        state.count("returned_to_queue", 1);
        LOG.debug("product {}: Ivanti unavailable ({}); returned to the queue", exchange.getProperty(PRODUCT_ID), reason);
    }

    /**
     * Closes the current batch and starts the next (a run: a stats interval, or a drain started by its cron or by
     * --once); returns the closed one.
     */
    public SyncStats endBatch(Exchange exchange) {
        idleLooks = 0;
        SyncStats ended = newBatch().finish();
        batch.get().trigger(exchange == null ? "timer" : Provenance.trigger(exchange));
        if (ended.get("total_processed") > 0) {
            state.runSummarized(ended);
        }
        return ended;
    }

    /** The batch in progress. */
    public SyncStats currentBatch() {
        return batch.get();
    }

    /** Where the message came from: its AMQP message id (when it has one) and whether the broker redelivered it. */
    private static Map<String, Object> source(Exchange exchange) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("messageId", exchange.getProperty(MESSAGE_ID));
        source.put("redelivered", exchange.getProperty(REDELIVERED));
        return source;
    }

    private SyncStats newBatch() {
        return batch.getAndSet(new SyncStats("products", "products batch", "total_processed", "successful_syncs", "failed_syncs"));
    }

    /**
     * Handling failed before the message was delivered or dead-lettered (e.g. the DLQ could not be written):
     * give it back to the broker, which delivers it again.
     */
    public void requeue(Exchange exchange) {
        Channel channel = deliveryChannel(exchange);
        Long tag = exchange.getProperty(DELIVERY_TAG, Long.class);
        if (channel != null && tag != null && channel.isOpen()) {
            try {
                channel.basicNack(tag, false, true);
            } catch (IOException | RuntimeException e) {
                LOG.debug("nack failed; the broker redelivers when the channel closes", e);
            }
        }
    }

    /** Whether a drain still has work: messages ready in the queue, or in flight in the consumer route. */
    public boolean drainHasWork(Exchange exchange) {
        if (breaker != null && !breaker.isClosed()) {
            LOG.warn("drain stopped: Ivanti unavailable ({}); {} message(s) left queued for the next drain",
                    state.getCircuitLastError(), queues.depth());
            idleLooks = 2;
            return false;
        }
        long inflight = exchange.getContext().getInflightRepository().size("products-sync");
        boolean busy = queues.depth() > 0 || inflight > 0;
        // stop only after two idle looks in a row: a message handed to a consumer is briefly in neither count
        idleLooks = busy ? 0 : idleLooks + 1;
        return idleLooks < 2;
    }

    private static Channel deliveryChannel(Exchange exchange) {
        Channel channel = exchange.getProperty(DELIVERY_CHANNEL, Channel.class);
        return channel != null ? channel : exchange.getProperty(SpringRabbitMQConstants.CHANNEL, Channel.class);
    }

    private static void ack(Exchange exchange) {
        Channel channel = deliveryChannel(exchange);
        Long tag = exchange.getProperty(DELIVERY_TAG, Long.class);
        if (channel == null || tag == null) {
            return;
        }
        try {
            channel.basicAck(tag, false);
        } catch (IOException | RuntimeException e) {
            // the channel is gone: the broker delivers the message again (at least once, never lost)
            LOG.warn("could not acknowledge a message ({}); the broker will deliver it again", e.getMessage());
        }
    }

    /** The product id of a message that may not even be JSON, for stats and dead-letter headers. */
    private static String productIdIn(byte[] raw) {
        if (raw == null) {
            return "?";
        }
        Matcher m = ID_IN_TEXT.matcher(new String(raw, 0, Math.min(raw.length, 4096), StandardCharsets.UTF_8));
        return !m.find() ? "?" : m.group(1) != null ? m.group(1) : m.group(2);
    }
}
