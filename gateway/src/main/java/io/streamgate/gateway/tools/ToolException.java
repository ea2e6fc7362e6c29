package io.streamgate.gateway.tools;

/**
 * A tool could not do what it was asked.
 *
 * <p>The message is shown to the model (so it can correct itself) and to the client in a {@code tool_result}
 * event, so it must be short, specific and free of internals: no stack traces, secrets or internal addresses.
 */
public final class ToolException extends Exception {
    public ToolException(String message) {
        super(message);
    }

    public ToolException(String message, Throwable cause) {
        super(message, cause);
    }
}
