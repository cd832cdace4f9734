package io.syncroutes.infra;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

import java.util.Set;

/**
 * mongo-java-server's H2 backend, made durable: its MVStore otherwise commits in the background about once a
 * second, so a write it acknowledged could vanish on a crash. This backend commits before it answers a write.
 */
public class DurableH2Backend extends H2Backend {

    private static final Set<String> WRITE_COMMANDS = Set.of(
            "insert", "update", "delete", "findandmodify", "createindexes", "dropindexes",
            "drop", "dropdatabase", "create", "renamecollection");

    public DurableH2Backend(String fileName) {
        super(fileName);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        Document answer = super.handleCommand(channel, databaseName, command, query);
        if (WRITE_COMMANDS.contains(command.toLowerCase(java.util.Locale.ROOT))) {
            commit();
        }
        return answer;
    }
}
