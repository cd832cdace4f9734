package io.syncroutes.infra;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * mongo-java-server's H2 backend, made durable and bounded. Durable: its MVStore otherwise commits in the
 * background about once a second, so a write it acknowledged could vanish on a crash; this backend commits before
 * it answers a write. Bounded: every commit writes a new chunk, and the chunks it replaces would only be reused
 * after the MVStore's retention time, so a store taking many small writes grew by tens of KB per write; here old
 * chunks are reused at once (as with the embedded broker, a crash of the app loses nothing acknowledged, a power
 * loss may), and the file is rewritten to its live data when it closes. While it runs, a compactor thread rewrites
 * the live data into fresh chunks and gives the file's free space back when the chunks' fill rate drops (below
 * {@value #IDLE_FILL_RATE} % once writes pause, below {@value #BUSY_FILL_RATE} % while they go on). Chunks are
 * freed at once, so a page a command is reading must not move meanwhile: commands share a lock that compaction
 * takes alone, in short steps (the MVStore's own background writer, which would not take it, is off). Few
 * commits keep the store small: the work-order import writes many files' records in one bulk write.
 */
public class DurableH2Backend extends H2Backend {

    private static final Logger LOG = LoggerFactory.getLogger(DurableH2Backend.class);
    private static final Set<String> WRITE_COMMANDS = Set.of(
            "insert", "update", "delete", "findandmodify", "createindexes", "dropindexes",
            "drop", "dropdatabase", "create", "renamecollection");

    /** A store file larger than this is compacted before it is opened. */
    private static final long COMPACT_AT_OPEN_BYTES = 64L * 1024 * 1024;

    /** A file smaller than this is never compacted while the store is open. */
    private static final long COMPACT_ONLINE_BYTES = 16L * 1024 * 1024;
    /** Chunk fill rates (%) under which the file is compacted while open: writes paused, writes going on. */
    private static final int IDLE_FILL_RATE = 80;
    private static final int BUSY_FILL_RATE = 20;
    /** Writes paused for this long count as idle. */
    private static final long IDLE_AFTER_MS = 3000;
    private static final long CHECK_EVERY_MS = 5000;

    private final MVStore store;
    private final Thread compactor;
    private volatile long lastWriteAt = System.currentTimeMillis();
    private volatile boolean closing;
    private final Object wakeUp = new Object();
    /** Shared by commands, taken alone by each compaction step. */
    private final ReentrantReadWriteLock access = new ReentrantReadWriteLock();
    /** The last write the compactor has seen writes pause after, and compacted for (or found nothing to do). */
    private volatile long settledWriteAt;
    private long sizeAfterCompaction;
    private long writeBeforeCompaction;

    public DurableH2Backend(String fileName) {
        this(open(fileName));
    }

    private DurableH2Backend(MVStore store) {
        super(store);
        this.store = store;
        this.sizeAfterCompaction = fileSize();
        this.compactor = new Thread(this::compactWhileOpen, "embedded-mongo-compactor");
        compactor.setDaemon(true);
        compactor.start();
    }

    /** The compactor thread: every few seconds, compacts the file when enough of it is free space. */
    private void compactWhileOpen() {
        while (!closing) {
            try {
                synchronized (wakeUp) {
                    // not interrupted to stop: an interrupt during file I/O would close the store's file channel
                    wakeUp.wait(CHECK_EVERY_MS);
                }
                long size = fileSize();
                long writtenAt = lastWriteAt;
                boolean idle = idleSince(writtenAt);
                // nothing written since the last compaction: it would find nothing new to do
                boolean changed = !(writtenAt == writeBeforeCompaction && size == sizeAfterCompaction);
                if (!closing && size >= COMPACT_ONLINE_BYTES && changed) {
                    compactIfSparse(size, writtenAt, idle);
                }
                if (idle) {
                    settledWriteAt = writtenAt;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!closing) {
                    // housekeeping only: the store stays complete; tried again at the next check
                    LOG.warn("Embedded MongoDB store not compacted while open ({})", e.toString());
                }
            }
        }
    }

    /** Compacts the file when its chunks or the file itself are sparser than the threshold for the moment. */
    private void compactIfSparse(long size, long writtenAt, boolean idle) {
        int threshold = idle ? IDLE_FILL_RATE : BUSY_FILL_RATE;
        int chunksFill = store.getFileStore().getChunksFillRate();
        int fileFill = store.getFileStore().getFillRate();
        if (chunksFill < threshold || fileFill < threshold) {
            compactNow(size, chunksFill < threshold, idle);
            // only a pass made once writes paused is the last one for these writes: one made just after the last
            // write, before it counted as idle, gave back less and must not stop the idle pass
            if (idle) {
                writeBeforeCompaction = writtenAt;
            }
        }
    }

    private void compactNow(long size, boolean rewriteChunks, boolean idle) {
        long started = System.currentTimeMillis();
        // rewrite the live pages of sparse chunks into new chunks, a few MB per step; commands wait for one step
        // at a time
        boolean more = rewriteChunks;
        for (int step = 0; step < 400 && more && !closing; step++) {
            more = exclusively(() -> {
                boolean rewritten = store.compact(90, 4 * 1024 * 1024);
                store.commit();
                return rewritten;
            });
        }
        // then move the chunks together and give the free space at the end of the file back; once writes have
        // paused, again while a pass still gives space back (each pass is one step commands wait for)
        while (!closing) {
            long before = fileSize();
            exclusively(() -> {
                store.compactFile(idle ? 2000 : 200);
                return true;
            });
            if (!idle || !idleNow() || fileSize() >= before) {
                break;
            }
        }
        sizeAfterCompaction = fileSize();
        LOG.debug("Embedded MongoDB store compacted while open: {} KB -> {} KB in {} ms",
                size / 1024, sizeAfterCompaction / 1024, System.currentTimeMillis() - started);
    }

    /** Runs a compaction step while no command runs. */
    private boolean exclusively(BooleanSupplier step) {
        access.writeLock().lock();
        try {
            return step.getAsBoolean();
        } finally {
            access.writeLock().unlock();
        }
    }

    private boolean idleNow() {
        return idleSince(lastWriteAt);
    }

    private static boolean idleSince(long writtenAt) {
        return System.currentTimeMillis() - writtenAt >= IDLE_AFTER_MS;
    }

    private static MVStore open(String fileName) {
        File file = new File(fileName);
        if (file.length() > COMPACT_AT_OPEN_BYTES) {
            // e.g. a store grown by an earlier version, or not compacted because the app was killed
            long before = file.length();
            MVStoreTool.compact(fileName, false);
            LOG.info("Embedded MongoDB store compacted at start: {} KB -> {} KB", before / 1024, file.length() / 1024);
        }
        MVStore store = new MVStore.Builder().fileName(fileName)
                // no background writer: this backend commits each write itself, and compacts (compactFile: files
                // under 90 % full) in steps that no command runs beside
                .autoCommitDisabled().autoCompactFillRate(90).open();
        store.setRetentionTime(0);
        return store;
    }

    /**
     * mongo-java-server's H2 database, whose unique indexes compare their keys with {@link H2IndexKeyType} (the same
     * order, without serializing both keys of every comparison). Called from H2Backend's constructor too, hence
     * {@link #getMvStore()}.
     */
    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        MVStore mvStore = getMvStore();
        return new H2Database(databaseName, mvStore, getCursorRegistry()) {
            @Override
            protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
                // opened here with the key type first: H2Database then finds the map open, under the same name
                mvStore.openMap(getFullCollectionNamespace(collectionName) + "._index_" + indexName,
                        new MVMap.Builder<KeyValue, Object>().keyType(new H2IndexKeyType()));
                return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
            }
        };
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        Document answer;
        access.readLock().lock();
        try {
            answer = super.handleCommand(channel, databaseName, command, query);
        } finally {
            access.readLock().unlock();
        }
        if (WRITE_COMMANDS.contains(command.toLowerCase(Locale.ROOT))) {
            lastWriteAt = System.currentTimeMillis();
            commit();
        }
        return answer;
    }

    /** Closes the store, then rewrites its file to the live data only (copied to a temporary file, then renamed over it). */
    @Override
    public void close() {
        String fileName = store.getFileStore() == null ? null : store.getFileStore().getFileName();
        closing = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        try {
            compactor.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            super.close();
        }
        if (fileName != null) {
            long before = new File(fileName).length();
            try {
                MVStoreTool.compact(fileName, false);
                LOG.info("Embedded MongoDB store compacted on stop: {} KB -> {} KB", before / 1024, new File(fileName).length() / 1024);
            } catch (RuntimeException e) {
                // housekeeping only: the store as it was is complete
                LOG.warn("Embedded MongoDB store not compacted on stop ({}); it is complete as it is", e.toString());
            }
        }
    }

    /** Whether writes have paused and the compactor has compacted the file since the last one (or found nothing to). */
    public boolean compactedSinceLastWrite() {
        return settledWriteAt == lastWriteAt;
    }

    /** The size of the store's file in bytes. */
    public long fileSize() {
        return store.getFileStore() == null ? 0 : store.getFileStore().size();
    }
}
