package io.syncroutes.workorders;

import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.PrefetchingIterator;
import io.syncroutes.shared.SyncStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A batch of inbound files (of one poll), read as its bulk writes of up to {@code batchSize} records shared by the
 * files: in order, lazily, each read with its stored versions on the reader thread while the one before it is
 * written, so no file but a small one read ahead is ever held whole. Then each file is logged, and a file that
 * failed goes to the error folder.
 */
final class FileBatch implements Iterator<BulkWrite> {

    private static final Logger LOG = LoggerFactory.getLogger("io.syncroutes.workorders.inbound");

    private final List<InboundFile> files = new ArrayList<>();
    private final int batchSize;
    private final StoredVersions storedVersions;
    private final IncompleteFiles incompleteFiles;
    private final FileHandOver handOver;
    private final FlowState state;
    private final PrefetchingIterator<BulkWrite> bulkWrites;
    private final Instant startedAt = Instant.now();
    // the batch is the run its files are parts of: one run document, its id on every record written
    private final SyncStats run = new SyncStats("workorders-inbound", "batch", "files", "read", "upserted", "new", "rejected", "stale",
            "filesRejected").trigger("file poll");
    // touched by the thread reading the bulk writes only: the file being read
    private int current;
    // touched by the batch's thread only: bulk writes handed out, and the last one
    private int writes;
    private BulkWrite last;

    /** {@code seen}: the batch's files as the file consumer saw them (read ahead or not), by path; others are opened. */
    FileBatch(List<File> paths, Map<File, InboundFile> seen, InboundFiles inboundFiles, int batchSize,
              StoredVersions storedVersions, IncompleteFiles incompleteFiles, FileHandOver handOver, FlowState state,
              Executor reader) {
        paths.forEach(f -> files.add(seen.containsKey(f) ? seen.get(f) : inboundFiles.open(f)));
        files.forEach(file -> file.stats().partOf(run));
        this.batchSize = batchSize;
        this.storedVersions = storedVersions;
        this.incompleteFiles = incompleteFiles;
        this.handOver = handOver;
        this.state = state;
        // the next bulk write's queries are sized by the stored versions found as of when it is asked for
        this.bulkWrites = new PrefetchingIterator<>(() -> {
            double storedShare = storedVersions.storedShare();
            return () -> readNext(storedShare);
        }, () -> current >= files.size(), reader, () -> { });
    }

    /** Reads the first bulk write and its stored versions from now on, while the batches before this one are written. */
    void readFirstAhead() {
        bulkWrites.start();
    }

    /** Does not wait for the bulk write being read (see {@link PrefetchingIterator}). */
    @Override
    public boolean hasNext() {
        return bulkWrites.hasNext();
    }

    /** The next bulk write, or null when the rest of the files held no valid record (the splitter skips it). */
    @Override
    public BulkWrite next() {
        BulkWrite write = bulkWrites.next();
        if (write != null) {
            writes++;
            last = write;
        }
        return write;
    }

    int size() {
        return files.size();
    }

    /** The next bulk write with its stored versions read ahead, or null when the files hold no more valid record. */
    private BulkWrite readNext(double storedShare) {
        BulkWrite write = new BulkWrite();
        while (write.size() < batchSize && current < files.size()) {
            InboundFile file = files.get(current);
            PendingRecord record;
            try {
                record = file.next();
            } catch (RuntimeException | IOException e) {
                file.failed(e);
                current++;
                continue;
            }
            if (record == null) {
                current++;
            } else if (record != InboundFile.REJECTED) {
                write.add(record);
            }
        }
        if (write.size() == 0) {
            return null;
        }
        storedVersions.readAhead(write, storedShare);
        return write;
    }

    /**
     * Closes every file once nothing reads them (on any end of the batch). A bulk write sent that did not end (the
     * batch failed) may have put in any of its records: stored versions read ahead while it was written are
     * queried again.
     */
    void close() {
        bulkWrites.close();
        if (last != null && last.sent && !last.ended) {
            storedVersions.endedUnknown(last);
        }
        files.forEach(InboundFile::closeQuietly);
    }

    /**
     * Closes every file; logs one line each; a file that failed (or every file, given a reason) goes to the error
     * folder; one not complete when read stays in the inbound folder (none of its records was written), until its
     * time is up. Returns the batch's line.
     */
    String finish(String batchFailure) throws IOException {
        close();
        long records = 0;
        int rejected = 0;
        int left = 0;
        for (InboundFile file : files) {
            if (file.incomplete != null) {
                file.failed = incompleteFiles.leave(file.name(), file.listedLength, file.listedModified(), file.incomplete);
                if (file.failed == null) {
                    left++;
                    continue;
                }
            } else {
                incompleteFiles.forget(file.name());
            }
            if (batchFailure != null && file.failed == null) {
                file.failed = batchFailure;
            }
            file.stats().finish();
            if (file.failed != null) {
                rejected++;
                reject(file);
            } else {
                LOG.info("{}", state.runFinished(file.stats()));
            }
            records += file.stats().get("read");
            addToRun(file);
        }
        run.finish();
        state.recordRun(run);
        return String.format("batch of %d files: %d records in %d bulk writes, %d files rejected%s, in %d ms",
                files.size(), records, writes, rejected, left > 0 ? ", " + left + " left incomplete in the inbound folder" : "",
                Duration.between(startedAt, Instant.now()).toMillis());
    }

    /** A file's counters and errors, into its batch's run document. */
    private void addToRun(InboundFile file) {
        run.increment("files");
        file.stats().counters().forEach(run::add);
        file.stats().errors().forEach(run::error);
    }

    private void reject(InboundFile file) throws IOException {
        file.stats().add("filesRejected", 1);
        file.stats().error(file.name(), file.failed);
        state.runFinished(file.stats());
        handOver.toErrorFolder(file.name(), file.writeErrorReport());
        LOG.warn("{}: rejected, moved to the error folder: {}", file.name(), file.failed);
    }
}
