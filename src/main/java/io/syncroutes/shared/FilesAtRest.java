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
 * waiting for it; as its read lock, the file is still there, at rest and unchanged since it was listed (size and
 * time), or else it too is left for a later poll without waiting, so the other files of the poll go on; one
 * file-system call each, where Camel's {@code changed} lock takes three per check. Both keep the size and time read
 * on the file, which Camel would otherwise read once more each.
 */
public final class FilesAtRest extends FileChangedExclusiveReadLockStrategy implements GenericFileFilter<File> {

    /** At rest once unchanged for {@code minAgeMs}. */
    public FilesAtRest(long minAgeMs) {
        setMinAge(minAgeMs);
        // empty files are read too (the flow decides what they are), not left behind
        setMinLength(0);
        // no <file>.camelLock marker per file (two file operations each), so none left over to look for at start
        setMarkerFiler(false);
        setDeleteOrphanLockFiles(false);
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        return atRest(file);
    }

    /** At rest now and as listed: locked; changed since it was listed (or gone): not locked, left for a later poll. */
    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        long listedLength = file.getFileLength();
        long listedModified = file.getLastModified();
        return atRest(file) && file.getFileLength() == listedLength && file.getLastModified() == listedModified;
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
