package io.syncroutes.infra;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import com.fasterxml.jackson.core.JsonStreamContext;
import net.logstash.logback.mask.ValueMasker;

import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Masks secret values (configured passwords, client secrets, API keys, tokens as they are issued) in every log
 * line and stack trace: logback.xml uses {@link Message} for {@code %msg} and {@link Throwable} for {@code %ex} in text
 * logs, and {@link JsonValues} for every string value of JSON logs.
 */
public final class LogMasking {

    private static final int MIN_LENGTH = 4;
    /** Longest first, so a secret that contains another is masked whole. */
    private static final Set<String> SECRETS = new ConcurrentSkipListSet<>(
            Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));

    private LogMasking() {
    }

    /** From now on, {@code secret} is logged as {@code ****}. */
    public static void add(String secret) {
        if (secret != null && secret.trim().length() >= MIN_LENGTH) {
            SECRETS.add(secret.trim());
        }
    }

    public static String mask(String text) {
        if (text == null || SECRETS.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String secret : SECRETS) {
            if (masked.contains(secret)) {
                masked = masked.replace(secret, "****");
            }
        }
        return masked;
    }

    /** {@code %msg} with secrets masked. */
    public static final class Message extends MessageConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return mask(super.convert(event));
        }
    }

    /** {@code %ex} with secrets masked. */
    public static final class Throwable extends ThrowableProxyConverter {
        @Override
        protected String throwableProxyToString(IThrowableProxy proxy) {
            return mask(super.throwableProxyToString(proxy));
        }
    }

    /** Every string value of a JSON log line (message, exception, MDC) with secrets masked. */
    public static final class JsonValues implements ValueMasker {
        @Override
        public Object mask(JsonStreamContext context, Object value) {
            if (value instanceof String text) {
                String masked = LogMasking.mask(text);
                return masked.equals(text) ? null : masked;
            }
            return null;
        }
    }
}
