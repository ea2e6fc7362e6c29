package io.streamgate.gateway.routing;

/** The wire API a provider deployment speaks, and that a drop-in endpoint's client speaks. */
public enum Dialect {
    /** OpenAI Chat Completions ({@code /chat/completions}): OpenAI, vLLM, Ollama, llama.cpp. */
    OPENAI,
    /** Anthropic Messages ({@code /v1/messages}). */
    ANTHROPIC
}
