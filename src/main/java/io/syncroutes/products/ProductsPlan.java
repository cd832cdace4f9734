package io.syncroutes.products;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.syncroutes.shared.DryRunPlan;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.InvalidInputException;
import io.syncroutes.shared.Secrets;
import org.apache.camel.Exchange;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The products flow's dry run (SYNC_DRY_RUN): the queue is browsed (up to {@code max} messages got, then all put back
 * with one negative acknowledgement: none is consumed), each message validated and mapped as the flow does, and
 * looked up in Ivanti with a GET (404: it would be created, found: updated). An invalid one would be dead-lettered.
 * Nothing is written to Ivanti or the dead-letter queue.
 */
public final class ProductsPlan {

    /** Exchange property: the plan of the run in progress. */
    static final String PLAN = "productsPlan";
    /** Exchange property of a browsed message: whether it is valid (then looked up in Ivanti). */
    static final String VALID = "productsPlanValid";

    private final ConnectionFactory connections;
    private final ProductQueues queues;
    private final ProductMapper mapper;
    private final Secrets secrets;
    private final int max;
    private final FlowState state;

    ProductsPlan(ConnectionFactory connections, ProductQueues queues, ProductMapper mapper, Secrets secrets, int max, FlowState state) {
        this.connections = connections;
        this.queues = queues;
        this.mapper = mapper;
        this.secrets = secrets;
        this.max = max;
        this.state = state;
    }

    /** The bodies of the first {@code max} messages of the queue, in order; every one stays queued. */
    public List<byte[]> browse(Exchange exchange) throws IOException, TimeoutException {
        exchange.setProperty(PLAN, new DryRunPlan("products", "products in " + queues.name(), "created", "updated", "deadLettered"));
        List<byte[]> bodies = new ArrayList<>();
        try (Connection connection = connections.createConnection(); Channel channel = connection.createChannel(false)) {
            long lastTag = -1;
            while (bodies.size() < max) {
                GetResponse got = channel.basicGet(queues.name(), false);
                if (got == null) {
                    break;
                }
                bodies.add(got.getBody());
                lastTag = got.getEnvelope().getDeliveryTag();
            }
            if (lastTag >= 0) {
                // every message got goes back where it was (a cached channel is not closed, so this is said outright)
                channel.basicNack(lastTag, true, true);
            }
        }
        return bodies;
    }

    /** Validates and maps one browsed message as the flow does; a valid one is then looked up in Ivanti. */
    public void prepare(Exchange exchange) {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        DryRunPlan plan = exchange.getProperty(PLAN, DryRunPlan.class);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(null);
        try {
            JsonNode message = mapper.parse(raw == null ? new byte[0] : raw);
            String id = mapper.productId(message);
            mapper.toIvanti(message);
            exchange.setProperty(ProductsSync.PRODUCT_ID, id);
            exchange.setProperty(VALID, true);
            exchange.getMessage().setHeader(Exchange.HTTP_PATH, ProductsSync.productPath(id));
        } catch (InvalidInputException e) {
            exchange.setProperty(VALID, false);
            plan.add("deadLettered", "message #" + exchange.getProperty(Exchange.SPLIT_INDEX) + ": " + secrets.mask(e.getMessage()));
        }
    }

    /** Ivanti's answer to the GET: 404 means the product would be created, 2xx updated; anything else is not planned. */
    public void decide(Exchange exchange) {
        DryRunPlan plan = exchange.getProperty(PLAN, DryRunPlan.class);
        String id = exchange.getProperty(ProductsSync.PRODUCT_ID, String.class);
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status == 404) {
            plan.add("created", id);
        } else if (status >= 200 && status < 300) {
            plan.add("updated", id);
        } else {
            plan.error("product " + id, "not planned: Ivanti answered " + status + " to its GET");
        }
    }

    /** A plan that could not be made (the broker or Ivanti unreachable): the flow state's error; returns its line. */
    public String failed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = secrets.mask(cause == null ? "unknown" : cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
        state.error("plan", "products dry run could not plan: " + reason);
        return "DRY RUN: products could not be planned: " + reason;
    }

    /** Ends the plan: the flow state's last run and plan; returns its line. */
    public String finish(Exchange exchange) {
        DryRunPlan plan = exchange.getProperty(PLAN, DryRunPlan.class);
        return state.planFinished(plan.finish()) + " (" + queues.depth() + " messages ready in " + queues.name() + ")";
    }
}
