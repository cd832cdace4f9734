package io.syncroutes.workorders;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inbound route's aggregation: the files of one poll, in order, with their completions and what was read of
 * them ahead, into one exchange per batch; once complete, the batch's first bulk write is read ahead.
 */
final class PollAggregation implements AggregationStrategy {

    private static final String FILES = "workOrderImport.files";
    private static final String ALL_COMPLETIONS = FileHandOver.COMPLETIONS + ".all";
    private static final String INBOUND_FILES = InboundFiles.PROPERTY + ".all";

    private final WorkOrderImport importer;

    PollAggregation(WorkOrderImport importer) {
        this.importer = importer;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange batch, Exchange file) {
        Exchange into = batch == null ? file : batch;
        if (batch == null) {
            file.setProperty(FILES, new ArrayList<File>());
            file.setProperty(ALL_COMPLETIONS, new ArrayList<Synchronization>());
            file.setProperty(INBOUND_FILES, new HashMap<File, InboundFile>());
        }
        File path = file.getMessage().getBody(File.class);
        into.getProperty(FILES, List.class).add(path);
        InboundFile inbound = file.getProperty(InboundFiles.PROPERTY, InboundFile.class);
        if (inbound != null) {
            into.getProperty(INBOUND_FILES, Map.class).put(path, inbound);
        }
        List<Synchronization> completions = file.getProperty(FileHandOver.COMPLETIONS, List.class);
        if (completions != null) {
            into.getProperty(ALL_COMPLETIONS, List.class).addAll(completions);
        }
        return into;
    }

    /** The batch's body becomes its files; their completions run when it ends; its first bulk write is read ahead. */
    @Override
    @SuppressWarnings("unchecked")
    public void onCompletion(Exchange batch) {
        List<Synchronization> completions = batch.getProperty(ALL_COMPLETIONS, List.class);
        completions.forEach(batch.getExchangeExtension()::addOnCompletion);
        batch.removeProperty(ALL_COMPLETIONS);
        batch.removeProperty(FileHandOver.COMPLETIONS);
        batch.removeProperty(InboundFiles.PROPERTY);
        List<File> files = (List<File>) batch.removeProperty(FILES);
        batch.getMessage().setBody(files);
        importer.open(files, batch).readFirstAhead();
    }

    /** The files of a batch's exchange that the file consumer saw, by path (none before the aggregation). */
    @SuppressWarnings("unchecked")
    static Map<File, InboundFile> inboundFilesOf(Exchange batch) {
        Map<File, InboundFile> files = batch.getProperty(INBOUND_FILES, Map.class);
        return files != null ? files : Map.of();
    }
}
