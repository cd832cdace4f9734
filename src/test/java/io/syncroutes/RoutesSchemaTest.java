package io.syncroutes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code routes/*.camel.yaml} validates against Camel's own YAML DSL schema ({@code schema/camelYamlDsl.json}
 * in camel-yaml-dsl), the schema editors and Kaoto apply to these files: a route an editor flags is a defect.
 */
class RoutesSchemaTest {

    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = YamlRoutesBuilderLoader.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(in).as("schema/camelYamlDsl.json in camel-yaml-dsl").isNotNull();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
                    .getSchema(in, SchemaValidatorsConfig.builder().build());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRouteFileMatchesCamelsYamlDslSchema() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("routes"))) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Object yaml = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
            JsonNode routes = new ObjectMapper().valueToTree(yaml);
            Set<ValidationMessage> errors = schema.validate(routes);
            assertThat(readable(errors)).as(file + " against camelYamlDsl.json").isEmpty();
        }));
    }

    /** The errors an editor would underline: wrong types, unknown keys, bad values (not the "one of" noise around them). */
    private static List<String> readable(Set<ValidationMessage> errors) {
        List<String> specific = errors.stream()
                .filter(e -> Set.of("type", "additionalProperties", "enum", "pattern").contains(e.getType()))
                .map(ValidationMessage::getMessage).distinct().sorted().toList();
        return specific.isEmpty() ? errors.stream().map(ValidationMessage::getMessage).sorted().toList() : specific;
    }
}
