package io.streamgate.gateway.simulator;

import java.util.Objects;

/**
 * One planned answer: everything that is fixed before the first byte is written, shared by the
 * streaming and the non-streaming response so that both say the same thing.
 *
 * @param id the completion id, {@code chatcmpl-sim-N}
 * @param created Unix seconds at which the request was accepted
 * @param model the model name echoed from the request
 * @param tokenCount how many content tokens the answer has
 * @param finishReason {@code stop}, or {@code length} when the request's max_tokens cut the answer
 * @param promptTokens the request's approximate prompt size
 */
record SimAnswer(String id, long created, String model, int tokenCount, String finishReason, int promptTokens) {

    SimAnswer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(finishReason, "finishReason");
    }

    /** Sizes the answer: the configured length, unless the request's max_tokens is smaller. */
    static SimAnswer plan(SimRequest request, SimulatorSettings settings, String id, long created) {
        int limit = request.maxTokens().orElse(Integer.MAX_VALUE);
        boolean cut = limit < settings.tokens();
        return new SimAnswer(id, created, request.model(), cut ? limit : settings.tokens(),
                cut ? "length" : "stop", request.promptWords());
    }

    /** The {@code index}-th content token. */
    String token(int index) {
        return SimulatedText.token(index);
    }

    /** The whole answer text, as the non-streaming response carries it. */
    String text() {
        return SimulatedText.text(tokenCount);
    }

    int totalTokens() {
        return promptTokens + tokenCount;
    }
}
