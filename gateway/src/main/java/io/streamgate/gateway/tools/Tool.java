package io.streamgate.gateway.tools;

import io.streamgate.llm.ToolSpec;

/**
 * A function the model may call.
 *
 * <p>{@link #call} runs on its own virtual thread under {@link ToolRunner}'s timeout, so it may block (I/O,
 * locks); it should answer interruption promptly, since that is how a timed-out or cancelled call is stopped.
 * Implementations must be thread-safe: the same tool may run for many streams at once.
 */
public interface Tool {

    /** How the model sees this tool: name, description and JSON Schema of its arguments. */
    ToolSpec spec();

    /**
     * Runs the tool.
     *
     * @param argumentsJson the model's arguments, already checked to be one JSON object
     * @return the result as JSON text (one JSON value)
     * @throws ToolException with a message fit for the model and the client
     */
    String call(String argumentsJson) throws ToolException;

    /** The name the model calls this tool by. */
    default String name() {
        return spec().name();
    }
}
