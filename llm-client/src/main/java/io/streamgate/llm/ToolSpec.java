package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

/**
 * A tool the model may call.
 *
 * @param name the tool's name, as the model will use it
 * @param description what it does, for the model
 * @param parametersSchema a JSON Schema object (as JSON text) for its arguments
 */
public record ToolSpec(String name, String description, String parametersSchema) {
    public ToolSpec {
        requireNonNull(name, "name");
        requireNonNull(description, "description");
        requireNonNull(parametersSchema, "parametersSchema");
    }
}
