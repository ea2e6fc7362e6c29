package io.streamgate.gateway.simulator;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The parts of an OpenAI Chat Completions request that the simulator acts on; everything else in
 * the request (temperature, tools, ...) is accepted and ignored, as a lenient provider would.
 *
 * @param model the requested model, echoed back in every chunk
 * @param lastUserMessage the content of the last {@code user} message, empty when there is none
 * @param promptWords whitespace-separated words over all messages, reported as {@code prompt_tokens}
 * @param stream whether the client asked for an SSE stream
 * @param maxTokens {@code max_tokens} or {@code max_completion_tokens}, when given
 */
record SimRequest(String model, String lastUserMessage, int promptWords, boolean stream, OptionalInt maxTokens) {

    /** The model name used when a request names none. */
    static final String DEFAULT_MODEL = "sim-1";

    SimRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(lastUserMessage, "lastUserMessage");
        Objects.requireNonNull(maxTokens, "maxTokens");
    }
}
