package io.syncroutes.workorders;

import io.syncroutes.shared.JsonSchemaValidator;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;

import java.nio.file.Path;

/** Beans of the work-order flows, called by {@code routes/workorders.camel.yaml}. */
public class WorkOrdersConfiguration implements CamelConfiguration {

    @BindToRegistry
    public WorkOrderTranslator workOrderTranslator() {
        return new WorkOrderTranslator();
    }

    @BindToRegistry
    public WorkOrderImport workOrderImport(@PropertyInject("workorders.done.dir") String doneDir,
                                           @PropertyInject("workorders.error.dir") String errorDir,
                                           @PropertyInject("workorders.batch-size") int batchSize) {
        return new WorkOrderImport(JsonSchemaValidator.fromClasspath("schemas/workorder.schema.json"),
                new WorkOrderTranslator(), Path.of(doneDir), Path.of(errorDir), batchSize);
    }

    @BindToRegistry
    public WorkOrderExport workOrderExport(@PropertyInject("workorders.outbound.dir") String outboundDir,
                                           @PropertyInject("workorders.batch-size") int batchSize) {
        return new WorkOrderExport(new WorkOrderTranslator(), Path.of(outboundDir), batchSize);
    }
}
