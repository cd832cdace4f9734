package io.syncroutes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar's command line: the options it knows, settings as --key=value, and anything else refused with the usage. */
class CommandLineTest {

    @Test
    void knownOptionsAndSettingsAreParsed() {
        CommandLine command = CommandLine.parse("--demo", "--http.port=9090", "--workorders.inbound.dir=/in=put");
        assertThat(command.error()).isNull();
        assertThat(command.demo()).isTrue();
        assertThat(command.help()).isFalse();
        assertThat(command.properties()).containsExactly(Map.entry("http.port", "9090"), Map.entry("workorders.inbound.dir", "/in=put"));
        assertThat(CommandLine.parse("-h").help()).isTrue();
    }

    @Test
    void onceTakesTheFlowsToRun() {
        CommandLine all = CommandLine.parse("--once", "--demo");
        assertThat(all.once()).isTrue();
        assertThat(all.onceFlows()).isEmpty();
        CommandLine some = CommandLine.parse("--once", "cases", "workorders", "cases", "--http.port=0");
        assertThat(some.onceFlows()).containsExactly("cases", "workorders");
        assertThat(some.properties()).containsEntry("http.port", "0");
        assertThat(CommandLine.parse("--once", "tickets").error()).startsWith("unknown flow: tickets");
        assertThat(CommandLine.parse("cases").error()).isEqualTo("unknown option: cases");
        assertThat(CommandLine.parse("--simulators", "--once").error()).contains("--simulators runs only the simulators");
    }

    @Test
    void anythingElseIsAnError() {
        assertThat(CommandLine.parse("--nope").error()).isEqualTo("unknown option: --nope");
        assertThat(CommandLine.parse("demo").error()).isEqualTo("unknown option: demo");
        assertThat(CommandLine.parse("--=x").error()).isEqualTo("unknown option: --=x");
    }

    @Test
    void anUnknownOptionPrintsTheUsageAndExitsNonZero(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("app.log");
        Process app = RunningApp.startProcess(RunningApp.embeddedEnv(tmp), log, "--nope");
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(app.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log)).contains("unknown option: --nope", "Usage: java -jar sync-routes.jar");
    }

    @Test
    void helpPrintsTheUsageAndExitsZero(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("app.log");
        Process app = RunningApp.startProcess(RunningApp.embeddedEnv(tmp), log, "--help");
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(app.exitValue()).isEqualTo(0);
        assertThat(Files.readString(log)).contains("Usage: java -jar sync-routes.jar", "--demo");
    }
}
