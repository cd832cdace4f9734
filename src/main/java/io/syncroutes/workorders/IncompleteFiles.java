package io.syncroutes.workorders;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inbound files left in the inbound folder because they were not complete when read (their JSON ended early, or they
 * changed while read), and the inbound route's filter that goes with them: files at rest, less those left incomplete
 * and unchanged since. Such a file is read again once it has changed and is at rest again, or once {@code timeoutMs}
 * has passed since its last change; still incomplete then, it goes to the error folder. One log line when a file is
 * first left, none per poll.
 */
public final class IncompleteFiles implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger("io.syncroutes.workorders.inbound");

    /** A file left incomplete, as it was when read: read again once either differs. */
    private record Left(long length, long lastModified) {
    }

    private final GenericFileFilter<File> atRest;
    private final long timeoutMs;
    private final Map<String, Left> left = new ConcurrentHashMap<>();

    public IncompleteFiles(GenericFileFilter<File> atRest, long timeoutMs) {
        this.atRest = atRest;
        this.timeoutMs = timeoutMs;
    }

    /** At rest, and not a file left incomplete that has not changed since (unless its time is up). */
    @Override
    public boolean accept(GenericFile<File> file) {
        if (!atRest.accept(file)) {
            return false;
        }
        if (left.isEmpty()) {
            return true;
        }
        Left was = left.get(file.getFileNameOnly());
        return was == null || was.length() != file.getFileLength() || was.lastModified() != file.getLastModified()
                || System.currentTimeMillis() - was.lastModified() >= timeoutMs;
    }

    /**
     * A file read incomplete ({@code why}): left in the inbound folder (returns null), or, when it has not changed for
     * the timeout, the reason it goes to the error folder with.
     */
    String leave(String name, long length, long lastModified, String why) {
        long now = System.currentTimeMillis();
        if (now - lastModified >= timeoutMs) {
            left.remove(name);
            return why + "; unchanged for " + describe(timeoutMs);
        }
        if (left.put(name, new Left(length, lastModified)) == null) {
            LOG.info("{}: {}; left in the inbound folder, read again once it has changed, to the error folder if unchanged for {}",
                    name, why, describe(timeoutMs));
        } else {
            LOG.debug("{}: {}; still left in the inbound folder", name, why);
        }
        // a file gone from the folder while left (removed or renamed by its writer) is forgotten in time
        left.values().removeIf(gone -> now - gone.lastModified() > 2 * timeoutMs);
        return null;
    }

    /** Whether the file was left incomplete by its batch: it is not moved. */
    boolean isLeft(String name) {
        return !left.isEmpty() && left.containsKey(name);
    }

    /** The file has been read whole (imported, or rejected for another reason). */
    void forget(String name) {
        if (!left.isEmpty()) {
            left.remove(name);
        }
    }

    /** A timeout as people write it: 10 min, 90 s, 1500 ms. */
    static String describe(long ms) {
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
