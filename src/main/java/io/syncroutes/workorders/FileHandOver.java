package io.syncroutes.workorders;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.FileComponent;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands each inbound file's completion over to the batch holding it, so that the file moves to the done folder (or
 * the error folder) only once its batch has ended, and stays in the inbound folder when the batch failed. Counts
 * the completions waiting, which decides when the folder may be listed again.
 */
final class FileHandOver {

    /** Exchange property of a file's exchange: its completions, run by its batch. */
    static final String COMPLETIONS = "workOrderImport.completions";
    /** Exchange property of a batch's exchange: its files stay in the inbound folder (the route is stopping). */
    static final String LEAVE = "workOrderImport.leave";
    private static final Logger LOG = LoggerFactory.getLogger("io.syncroutes.workorders.inbound");

    private final Path doneDir;
    private final IncompleteFiles incompleteFiles;
    private final int batchSize;
    // files sent to the error folder instead of done, by name, until their batch moves them
    private final Map<String, Path> toErrorFolder = new ConcurrentHashMap<>();
    // completions of files handed over to a batch that have not run yet, and when that last changed
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long inFlightChangedAt = System.nanoTime();

    FileHandOver(Path doneDir, IncompleteFiles incompleteFiles, int batchSize) {
        this.doneDir = doneDir.toAbsolutePath();
        this.incompleteFiles = incompleteFiles;
        this.batchSize = batchSize;
    }

    /** Before the aggregator: takes the file's completion (move, or leave in place on failure) off its exchange. */
    void handOver(Exchange exchange) {
        Exchange holder = new DefaultExchange(exchange.getContext());
        exchange.getUnitOfWork().handoverSynchronization(holder);
        List<Synchronization> completions = holder.getExchangeExtension().handoverCompletions();
        List<Synchronization> replayed = new ArrayList<>();
        if (completions != null) {
            completions.forEach(completion -> replayed.add(new OnFileExchange(completion, exchange)));
        }
        exchange.setProperty(COMPLETIONS, replayed);
        inFlight.addAndGet(replayed.size());
        inFlightChangedAt = System.nanoTime();
    }

    /**
     * Whether the inbound folder may be listed again: at most one batch of files of earlier polls still waits for
     * its write, so a listing does not walk thousands of files in flight only to skip them, yet the next files are
     * read while the last batch is written. A batch making no progress for {@code stuckAfter} (e.g. MongoDB
     * unreachable) no longer holds the listing back.
     */
    boolean readyForNextPoll(Duration stuckAfter) {
        return inFlight.get() <= batchSize || System.nanoTime() - inFlightChangedAt > stuckAfter.toNanos();
    }

    /** The file of that name, rejected whole, goes to {@code to} in the error folder when its batch ends. */
    void toErrorFolder(String name, Path to) {
        toErrorFolder.put(name, to);
    }

    private void completed() {
        inFlight.decrementAndGet();
        inFlightChangedAt = System.nanoTime();
    }

    /**
     * A file's completion, run when its batch ends but on the file's own exchange (which holds the file's read
     * lock): the file commits (moves) when the batch succeeded, and rolls back (stays) when it failed.
     */
    private final class OnFileExchange implements Synchronization {
        private final Synchronization completion;
        private final Exchange file;

        OnFileExchange(Synchronization completion, Exchange file) {
            this.completion = completion;
            this.file = file;
        }

        @Override
        public void onComplete(Exchange batch) {
            if (batch.getProperty(LEAVE) != null) {
                onFailure(batch);
            } else {
                try {
                    moveOut(file);
                    // then Camel releases the file's read lock and forgets it is in progress
                    completion.onComplete(file);
                } finally {
                    completed();
                }
            }
        }

        @Override
        public void onFailure(Exchange batch) {
            if (file.getException() == null) {
                file.setException(batch.getException() != null ? batch.getException()
                        : new CamelExchangeException("the batch holding this file failed", batch));
            }
            try {
                completion.onFailure(file);
            } finally {
                completed();
            }
        }
    }

    /**
     * Moves a file whose batch has ended to the done folder, or to the error folder when it was rejected whole,
     * replacing a file of that name there; one left incomplete stays in the inbound folder. One rename(2) by
     * {@code File.renameTo}, and {@code Files.move} only when that fails, for its reason. A file that cannot be
     * moved stays in the inbound folder and is read again (its records are upserts).
     */
    private void moveOut(Exchange exchange) {
        GenericFile<?> file = exchange.getProperty(FileComponent.FILE_EXCHANGE_FILE, GenericFile.class);
        if (incompleteFiles.isLeft(file.getFileNameOnly())) {
            return;
        }
        Path rejected = toErrorFolder.remove(file.getFileNameOnly());
        Path from = Path.of(file.getAbsoluteFilePath());
        Path to = rejected != null ? rejected : doneDir.resolve(file.getFileNameOnly());
        // rename(2) replaces a file of that name in the folder, as REPLACE_EXISTING does
        if (from.toFile().renameTo(to.toFile())) {
            return;
        }
        try {
            try {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            } catch (NoSuchFileException e) {
                if (!Files.exists(from)) {
                    throw e;
                }
                // the done or error folder was removed while the app ran
                Files.createDirectories(to.getParent());
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("{}: not moved to {} ({}); it stays in the inbound folder and is read again", file.getFileNameOnly(), to, e.toString());
        }
    }
}
