package io.syncroutes.products;

import com.rabbitmq.client.Channel;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * The products queue as the reference tool declares it (durable, {@code x-message-ttl} one day, dead letters
 * to {@code <queue>_dlq} via the default exchange) and its durable dead-letter queue; declared on every new
 * connection, so a restarted broker gets them back.
 */
public class ProductQueues {

    private final RabbitAdmin admin;
    private final Queue queue;
    private final Queue deadLetters;

    public ProductQueues(ConnectionFactory connectionFactory, String queueName, long messageTtlMs) {
        this.admin = new RabbitAdmin(connectionFactory);
        this.deadLetters = QueueBuilder.durable(queueName + "_dlq").build();
        this.queue = QueueBuilder.durable(queueName)
                .ttl((int) messageTtlMs)
                .deadLetterExchange("")
                .deadLetterRoutingKey(deadLetters.getName())
                .build();
        if (connectionFactory instanceof CachingConnectionFactory caching) {
            caching.addConnectionListener(connection -> {
                // on the new connection itself: going through the admin here would open another connection
                try (Channel channel = connection.getDelegate().createChannel()) {
                    channel.queueDeclare(deadLetters.getName(), true, false, false, deadLetters.getArguments());
                    channel.queueDeclare(queue.getName(), true, false, false, queue.getArguments());
                } catch (IOException | TimeoutException e) {
                    throw new AmqpIOException("cannot declare " + queue.getName() + " and " + deadLetters.getName(),
                            e instanceof IOException io ? io : new IOException(e));
                }
            });
        }
    }

    /** Messages ready in the queue (not counting those delivered and not yet acknowledged), or -1 if unknown. */
    public long depth() {
        return depth(queue.getName());
    }

    /** Messages in the dead-letter queue, or -1 if unknown. */
    public long deadLetterDepth() {
        return depth(deadLetters.getName());
    }

    public String name() {
        return queue.getName();
    }

    public String deadLetterName() {
        return deadLetters.getName();
    }

    private long depth(String name) {
        try {
            QueueInformation info = admin.getQueueInfo(name);
            return info == null ? -1 : info.getMessageCount();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
