package io.streamgate.gateway.dropin;

/**
 * The neutral finish reason ({@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}, as the
 * adapters report it; Anthropic's {@code end_turn}/{@code stop_sequence} are already {@code stop}) in each dialect.
 * Anthropic's {@code stop_sequence} comes back as {@code end_turn}: the neutral event does not keep which it was.
 */
final class FinishReasons {

    private FinishReasons() {}

    static String openAi(String neutral) {
        return switch (neutral) {
            case "stop", "length", "tool_calls", "content_filter" -> neutral;
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    static String anthropic(String neutral) {
        return switch (neutral) {
            case "length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            case "content_filter", "refusal" -> "refusal";
            case "pause_turn" -> "pause_turn";
            default -> "end_turn";
        };
    }
}
