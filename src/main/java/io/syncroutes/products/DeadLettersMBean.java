package io.syncroutes.products;

import java.util.Map;

/** The products dead-letter queue in JMX (Hawtio: JMX, io.syncroutes, DeadLetters, Operations). */
public interface DeadLettersMBean {

    /** Messages waiting in the dead-letter queue (-1: unknown). */
    long getDeadLetterCount();

    /** Moves up to {@code limit} dead letters (0 or less: all) back to the products queue; the outcome in words. */
    Map<String, Object> redrive(int limit);
}
