package io.syncroutes;

import io.syncroutes.infra.Settings;
import io.syncroutes.shared.SyncStats;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The work orders of {@code --once}: the files in the inbound folder when the run starts are imported by the inbound
 * route (started for this, polling as it always does, stopped once they are), then one export runs. Fails when files of the start are still in the
 * inbound folder once the route has gone quiet (MongoDB unavailable, or a file still being written), or the export
 * fails.
 */
final class WorkOrderFilesOnce {

    private static final String[] ROUTES = {"workorders-inbound", "workorders-write-batch"};

    private final CamelContext context;
    private final ProducerTemplate template;
    private final Path inbound;
    private final Path done;
    private final Path error;
    private final long quietMs;

    WorkOrderFilesOnce(CamelContext context, ProducerTemplate template) {
        this.context = context;
        this.template = template;
        this.inbound = Path.of(Settings.get(context, "workorders.inbound.dir"));
        this.done = Path.of(Settings.get(context, "workorders.done.dir"));
        this.error = Path.of(Settings.get(context, "workorders.error.dir"));
        // a file must be at rest to be read, and a poll may come just before it is: quiet for longer than both
        this.quietMs = Long.parseLong(Settings.get(context, "workorders.inbound.at-rest-ms"))
                + 3 * Long.parseLong(Settings.get(context, "workorders.inbound.poll-ms"));
    }

    /** How the run went: why it failed (null when it did not), and what it did. */
    record Result(String failure, String summary) {
    }

    Result run() throws Exception {
        List<Path> atStart = files();
        context.getRouteController().startRoute("workorders-inbound");
        try {
            return importThenExport(atStart);
        } finally {
            context.getRouteController().stopRoute("workorders-inbound");
        }
    }

    private Result importThenExport(List<Path> atStart) throws InterruptedException {
        List<Path> left = atStart;
        long quietSince = System.currentTimeMillis();
        while (!left.isEmpty()) {
            Thread.sleep(100);
            List<Path> now = left.stream().filter(Files::exists).toList();
            if (now.size() != left.size() || inflight() > 0) {
                quietSince = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - quietSince > quietMs) {
                break;
            }
            left = now;
        }
        String failure = null;
        if (!left.isEmpty()) {
            failure = left.size() + " of " + atStart.size() + " inbound files not imported (still in " + inbound
                    + ": MongoDB unavailable, or incomplete JSON; see the log): " + names(left);
        }
        String export = "";
        try {
            Object stats = template.requestBody("direct:workorders-export-run", (Object) null);
            export = stats instanceof SyncStats run ? "; " + run.summary() : "";
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String exportFailure = "export failed: " + Objects.toString(cause.getMessage(), cause.getClass().getSimpleName());
            failure = failure == null ? exportFailure : failure + "; " + exportFailure;
        }
        long toDone = atStart.stream().filter(p -> Files.exists(done.resolve(p.getFileName()))).count();
        long toError = atStart.stream().filter(p -> Files.exists(error.resolve(p.getFileName()))).count();
        return new Result(failure, String.format("inbound: %d files, %d to done, %d to error%s", atStart.size(), toDone, toError, export));
    }

    private int inflight() {
        int count = 0;
        for (String route : ROUTES) {
            count += context.getInflightRepository().size(route);
        }
        return count;
    }

    /** The files the inbound route reads: names ending .json, not dotfiles. */
    private List<Path> files() throws IOException {
        if (!Files.isDirectory(inbound)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(inbound)) {
            return list.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".json") && !name.startsWith(".") && Files.isRegularFile(p);
            }).toList();
        }
    }

    private static String names(List<Path> files) {
        List<String> names = files.stream().limit(5).map(p -> p.getFileName().toString()).toList();
        return String.join(", ", names) + (files.size() > 5 ? ", ..." : "");
    }
}
