package io.syncroutes;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No main class grows past {@value #MAX_LINES} lines: a class that long does several jobs, and the next maintainer
 * should find one job per class. A file that must stay longer is named below with the reason.
 */
class ClassSizeTest {

    private static final int MAX_LINES = 400;

    /** Files under src/main/java allowed past the limit, each with why it cannot be split cleanly. */
    private static final Map<String, String> EXCEPTIONS = Map.of();

    @Test
    void noMainClassIsLongerThanTheLimit() throws IOException {
        Path root = Path.of("src/main/java");
        List<String> tooLong = new ArrayList<>();
        List<String> exceptionsFound = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String name = root.relativize(file).toString().replace('\\', '/');
                long lines;
                try (Stream<String> all = Files.lines(file)) {
                    lines = all.count();
                }
                if (EXCEPTIONS.containsKey(name)) {
                    exceptionsFound.add(name + (lines > MAX_LINES ? "" : " (now " + lines + " lines: no longer an exception)"));
                } else if (lines > MAX_LINES) {
                    tooLong.add(name + ": " + lines + " lines");
                }
            }
        }
        assertThat(tooLong).as("main classes over " + MAX_LINES + " lines: split them by job").isEmpty();
        assertThat(exceptionsFound).as("exceptions still needed").containsExactlyInAnyOrderElementsOf(EXCEPTIONS.keySet());
    }
}
