package io.syncroutes.workorders;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncroutes.shared.DryRunPlan;
import io.syncroutes.shared.JsonSchemaValidator;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the inbound files of every batch share: how their records are validated and translated, where their
 * rejects go, and the budget of small files read ahead on the file consumer's thread while earlier batches are
 * written.
 */
final class InboundFiles {

    /** Exchange property of a file's exchange: its {@link InboundFile}, read ahead or not. */
    static final String PROPERTY = "workOrderImport.inboundFile";
    /** Files up to this size are read ahead (into memory) on the file consumer's thread. */
    static final long READ_AHEAD_MAX_FILE_BYTES = 16 * 1024;
    /** At most this many bytes of files read ahead wait for their batch; beyond it, a batch reads its files itself. */
    static final long READ_AHEAD_BUDGET_BYTES = 8L * 1024 * 1024;

    final ObjectMapper mapper = new ObjectMapper();
    final JsonSchemaValidator validator;
    final WorkOrderTranslator translator;
    final Path errorDir;
    /** A dry run's plan: rejected and stale records are listed there instead of written (null: they are written). */
    final DryRunPlan plan;
    // bytes of the files read ahead whose batch has not closed them yet
    private final AtomicLong readAheadBytes = new AtomicLong();

    InboundFiles(JsonSchemaValidator validator, WorkOrderTranslator translator, Path errorDir) {
        this(validator, translator, errorDir, null);
    }

    InboundFiles(JsonSchemaValidator validator, WorkOrderTranslator translator, Path errorDir, DryRunPlan plan) {
        this.validator = validator;
        this.translator = translator;
        this.errorDir = errorDir.toAbsolutePath();
        this.plan = plan;
    }

    /**
     * On the file consumer's thread, which every file passes through: the file as listed, and a small one read into
     * memory now (within the budget), so that its batch's reader thread only parses it. Records, rejects and counts
     * are the same whether a file was read ahead or streamed by its batch.
     */
    void readAhead(Exchange exchange) {
        GenericFile<?> file = exchange.getMessage().getBody(GenericFile.class);
        long length = file.getFileLength();
        InboundFile inbound = new InboundFile(this, (File) file.getFile(), length, file.getLastModified());
        exchange.setProperty(PROPERTY, inbound);
        if (length > READ_AHEAD_MAX_FILE_BYTES) {
            return;
        }
        if (readAheadBytes.addAndGet(length) > READ_AHEAD_BUDGET_BYTES) {
            readAheadBytes.addAndGet(-length);
            return;
        }
        inbound.readAll(length);
    }

    /** A file not seen by {@link #readAhead} (its size and time as listed not known). */
    InboundFile open(File path) {
        return new InboundFile(this, path, -1, -1);
    }

    /** Bytes of files read ahead that wait for their batch (0 once every batch has ended). */
    long readAheadBytes() {
        return readAheadBytes.get();
    }

    /** A file read ahead was closed: its bytes are no longer held. */
    void released(long bytes) {
        readAheadBytes.addAndGet(-bytes);
    }
}
