package io.syncroutes;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The app's log as it is written (message and stack trace, secrets masked by logback.xml's conversion rules), captured
 * from {@link #start} to {@link #stop}, with the given loggers at DEBUG meanwhile: for tests that look for secrets.
 * As a JUnit extension ({@code @RegisterExtension}) it captures each test.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final List<String> debugLoggers;
    private OutputStreamAppender<ILoggingEvent> appender;

    /** Captures the root logger; {@code debugLoggers} (e.g. "io.syncroutes") log at DEBUG while capturing. */
    public LogCapture(String... debugLoggers) {
        this.debugLoggers = List.of(debugLoggers);
    }

    public LogCapture start() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(logging);
        // as logback.xml formats it: %msg and %ex, with secrets masked
        encoder.setPattern("%d %-5level [%thread] %logger - %msg%n%ex");
        encoder.start();
        appender = new OutputStreamAppender<>();
        appender.setContext(logging);
        appender.setEncoder(encoder);
        appender.setOutputStream(captured);
        appender.start();
        logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        debugLoggers.forEach(name -> logging.getLogger(name).setLevel(Level.DEBUG));
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }

    public void stop() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        if (appender != null) {
            logging.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
            appender.stop();
        }
        debugLoggers.forEach(name -> logging.getLogger(name).setLevel(null));
    }

    /** Everything logged so far. */
    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }
}
