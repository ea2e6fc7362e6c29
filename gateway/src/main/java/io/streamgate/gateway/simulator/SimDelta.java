package io.streamgate.gateway.simulator;

import java.util.Objects;

/**
 * One streamed piece of a simulated answer: what one {@code chat.completion.chunk} carries in its
 * {@code delta}. An answer is a list of these, so the streaming and the whole response, and the
 * pacing of text, reasoning and tool-call fragments, all come from one description.
 */
sealed interface SimDelta {

    /** Answer text: {@code delta.content}. */
    record Content(String text) implements SimDelta {
        public Content {
            Objects.requireNonNull(text, "text");
        }
    }

    /** Reasoning text: {@code delta.reasoning_content}, as vLLM and DeepSeek stream it. */
    record Reasoning(String text) implements SimDelta {
        public Reasoning {
            Objects.requireNonNull(text, "text");
        }
    }

    /** Opens tool call {@code index}: its id, type and name, with empty arguments, as OpenAI does. */
    record ToolCallStart(int index, String id, String name) implements SimDelta {
        public ToolCallStart {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
        }
    }

    /** The next fragment of tool call {@code index}'s arguments JSON. */
    record ToolCallArguments(int index, String fragment) implements SimDelta {
        public ToolCallArguments {
            Objects.requireNonNull(fragment, "fragment");
        }
    }
}
