package io.syncroutes.shared;

import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.strategy.FileChangedExclusiveReadLockStrategy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Files at rest (not changed for a minimum age), for a file consumer's {@code filter} and
 * {@code exclusiveReadLockStrategy}: as its filter, a file still being written is left for a later poll, without
 * waiting for it; as its read lock, Camel's {@code changed} lock (the file still there and at rest, or waited for),
 * checked with one file-system call where Camel's takes three. Both keep the size and time read on the file, which
 * Camel would otherwise read once more each.
 */
public final class FilesAtRest extends FileChangedExclusiveReadLockStrategy implements GenericFileFilter<File> {

    /** At rest once unchanged for {@code minAgeMs}; the read lock checks every {@code checkIntervalMs}, for {@code timeoutMs} at most. */
    public FilesAtRest(long minAgeMs, long checkIntervalMs, long timeoutMs) {
        setMinAge(minAgeMs);
        // empty files are read too (and rejected with their reason by the flow), not left behind
        setMinLength(0);
        setCheckInterval(checkIntervalMs);
        setTimeout(timeoutMs);
        // no <file>.camelLock marker per file (two file operations each), so none left over to look for at start
        setMarkerFiler(false);
        setDeleteOrphanLockFiles(false);
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        return atRest(file);
    }

    /** At rest now: locked at once; changed since it was listed (or gone): Camel's own wait, as before. */
    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange)
            throws Exception {
        return atRest(file) || super.acquireExclusiveReadLock(operations, file, exchange);
    }

    private boolean atRest(GenericFile<File> file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file.getFile().toPath(), BasicFileAttributes.class);
        } catch (IOException gone) {
            return false;
        }
        long modified = attributes.lastModifiedTime().toMillis();
        file.setLastModified(modified);
        file.setFileLength(attributes.size());
        return modified > 0 && System.currentTimeMillis() - modified >= getMinAge();
    }
}
