package io.syncroutes.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Validates JSON records against a JSON Schema (draft 2020-12, formats asserted) and returns readable reasons. */
public final class JsonSchemaValidator {

    private final JsonSchema schema;

    private JsonSchemaValidator(JsonSchema schema) {
        this.schema = schema;
    }

    /** Loads the schema from a classpath resource, e.g. {@code schemas/workorder.schema.json}. */
    public static JsonSchemaValidator fromClasspath(String resource) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .pathType(PathType.JSON_PATH)
                .locale(Locale.ROOT)
                .build();
        try (InputStream in = JsonSchemaValidator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("JSON schema not found on the classpath: " + resource);
            }
            return new JsonSchemaValidator(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JSON schema " + resource, e);
        }
    }

    /** The reasons why {@code record} does not match the schema; empty when it is valid. */
    public List<String> validate(JsonNode record) {
        return schema.validate(record).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .toList();
    }

    /** The schema's findings for {@code record} (where, which keyword, which property), for callers that word the reasons themselves. */
    public Set<ValidationMessage> findings(JsonNode record) {
        return schema.validate(record);
    }
}
