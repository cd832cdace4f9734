package io.syncroutes.workorders;

import io.syncroutes.shared.JsonSchemaValidator;
import io.syncroutes.shared.FlowState;
import io.syncroutes.shared.SyncState;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Beans of the work-order flows, called by {@code routes/workorders.camel.yaml}. */
public class WorkOrdersConfiguration implements CamelConfiguration {

    @BindToRegistry
    public WorkOrderTranslator workOrderTranslator() {
        return new WorkOrderTranslator();
    }

    @BindToRegistry
    public WorkOrderImport workOrderImport(@PropertyInject("workorders.inbound.dir") String inboundDir,
                                           @PropertyInject("workorders.done.dir") String doneDir,
                                           @PropertyInject("workorders.error.dir") String errorDir,
                                           @PropertyInject("workorders.batch-size") int batchSize,
                                           @PropertyInject("workorders.inbound.poll-ms") long pollMs,
                                           @BeanInject("syncState") SyncState syncState) {
        requirePositive("WORKORDERS_BATCH_SIZE", batchSize);
        FlowState state = syncState.flow("workorders-inbound").mode("poll " + inboundDir + " every " + pollMs + " ms")
                .lag("files waiting in " + inboundDir, () -> countJsonFiles(Path.of(inboundDir)));
        return new WorkOrderImport(JsonSchemaValidator.fromClasspath("schemas/workorder.schema.json"),
                new WorkOrderTranslator(), Path.of(doneDir), Path.of(errorDir), batchSize, state);
    }

    @BindToRegistry
    public WorkOrderExport workOrderExport(@PropertyInject("workorders.outbound.dir") String outboundDir,
                                           @PropertyInject("workorders.batch-size") int batchSize,
                                           @PropertyInject("workorders.export.interval-ms") long intervalMs,
                                           @BeanInject("syncState") SyncState syncState) {
        requirePositive("WORKORDERS_EXPORT_INTERVAL_MS", intervalMs);
        FlowState state = syncState.flow("workorders-export").mode("export every " + intervalMs + " ms to " + outboundDir);
        return new WorkOrderExport(new WorkOrderTranslator(), Path.of(outboundDir), batchSize, state);
    }

    private static void requirePositive(String variable, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(variable + " must be a positive number, not " + value);
        }
    }

    private static long countJsonFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        } catch (IOException e) {
            return -1;
        }
    }
}
