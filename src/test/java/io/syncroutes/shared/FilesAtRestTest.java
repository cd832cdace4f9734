package io.syncroutes.shared;

import org.apache.camel.component.file.GenericFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;

import static org.assertj.core.api.Assertions.assertThat;

/** The inbound files' filter and read lock on real files: at rest, and unchanged between listing and lock. */
class FilesAtRestTest {

    @TempDir
    Path dir;

    private final FilesAtRest atRest = new FilesAtRest(1_000);

    @Test
    void aFileChangedRecentlyIsNotListed() throws Exception {
        GenericFile<File> file = file("new.json", "{}", System.currentTimeMillis());
        assertThat(atRest.accept(file)).isFalse();
    }

    @Test
    void aFileAtRestAndUnchangedSinceListedIsLocked() throws Exception {
        GenericFile<File> file = file("rest.json", "{}", System.currentTimeMillis() - 5_000);
        assertThat(atRest.accept(file)).isTrue();
        assertThat(atRest.acquireExclusiveReadLock(null, file, null)).isTrue();
    }

    @Test
    void aFileChangedBetweenListingAndLockIsLeftForALaterPollWithoutWaiting() throws Exception {
        long past = System.currentTimeMillis() - 5_000;
        GenericFile<File> grown = file("grown.json", "[{}", past);
        GenericFile<File> touched = file("touched.json", "{}", past);
        assertThat(atRest.accept(grown)).isTrue();
        assertThat(atRest.accept(touched)).isTrue();
        // written to after listing, yet still older than the minimum age (a writer setting its own times)
        Files.writeString(grown.getFile().toPath(), "]", StandardOpenOption.APPEND);
        Files.setLastModifiedTime(grown.getFile().toPath(), FileTime.fromMillis(past));
        Files.setLastModifiedTime(touched.getFile().toPath(), FileTime.fromMillis(past - 2_000));

        long started = System.nanoTime();
        assertThat(atRest.acquireExclusiveReadLock(null, grown, null)).as("size changed").isFalse();
        assertThat(atRest.acquireExclusiveReadLock(null, touched, null)).as("time changed").isFalse();
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms waited").isLessThan(500);
        // listed again by a later poll: locked
        assertThat(atRest.accept(grown)).isTrue();
        assertThat(atRest.acquireExclusiveReadLock(null, grown, null)).isTrue();
    }

    private GenericFile<File> file(String name, String content, long modified) throws Exception {
        Path path = Files.writeString(dir.resolve(name), content);
        Files.setLastModifiedTime(path, FileTime.fromMillis(modified));
        GenericFile<File> file = new GenericFile<>();
        file.setFile(path.toFile());
        file.setFileName(name);
        file.setFileNameOnly(name);
        file.setAbsoluteFilePath(path.toString());
        return file;
    }
}
