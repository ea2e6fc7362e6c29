package io.streamgate.gateway.routing;

import io.streamgate.llm.LlmProvider;

/** Makes the provider adapter of a configured deployment: the typed one, and its pass-through requests. */
@FunctionalInterface
public interface AdapterFactory {

    /**
     * @throws IllegalArgumentException when the deployment cannot be served (a bad URL, say); the message names why
     */
    Adapter create(DeploymentSpec spec);

    /** @param typed its events parsed, for the conversation API and translation */
    record Adapter(LlmProvider typed, PassThrough passThrough) {
        public Adapter {
            java.util.Objects.requireNonNull(typed, "typed");
            java.util.Objects.requireNonNull(passThrough, "passThrough");
        }
    }
}
