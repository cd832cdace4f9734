package io.syncroutes.products;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Logs each key of product messages that the flow does not know once while the app runs (such keys are ignored),
 * so an operator sees a new or misspelled key without one line per message. At most {@value #MAX_KEYS} names are
 * remembered: a producer sending ever new keys cannot grow memory, it only ends the logging of new ones.
 */
final class UnknownKeysLog {

    static final int MAX_KEYS = 100;
    private static final int MAX_NAME_LENGTH = 100;
    private static final Logger LOG = LoggerFactory.getLogger(UnknownKeysLog.class);

    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean full = new AtomicBoolean();

    /** An unknown key: {@code where} is "" for the message's own keys, "productElements[]." for an element's. */
    void unknown(String where, String key) {
        String name = where + printable(key);
        if (logged.contains(name)) {
            return;
        }
        if (logged.size() >= MAX_KEYS) {
            if (full.compareAndSet(false, true)) {
                LOG.warn("product messages: more than {} unknown keys seen; further new ones are ignored without a log line", MAX_KEYS);
            }
            return;
        }
        if (logged.add(name)) {
            LOG.warn("product messages: key '{}' is not known; ignored and not sent to Ivanti (logged once per key)", name);
        }
    }

    /** The key as one short log-safe line: control characters replaced, long names cut. */
    private static String printable(String key) {
        String cut = key.length() <= MAX_NAME_LENGTH ? key : key.substring(0, MAX_NAME_LENGTH) + "...";
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
