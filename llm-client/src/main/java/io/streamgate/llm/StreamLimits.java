package io.streamgate.llm;

/**
 * What a provider's parser may gather from one stream before it gives up on it: the tool calls of one step. A
 * call's arguments arrive in pieces and are joined in memory until the call is whole, so without a bound a hostile
 * or broken model could make the gateway hold any amount. Over a limit the stream ends with a non-retryable
 * {@code upstream_error} (the same request would produce the same output again).
 *
 * @param maxToolArgumentBytes the most one call's arguments may hold, in UTF-8 bytes
 * @param maxToolCalls the most tool calls one stream (one agent step) may make
 */
public record StreamLimits(int maxToolArgumentBytes, int maxToolCalls) {

    public static final int DEFAULT_MAX_TOOL_ARGUMENT_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_TOOL_CALLS = 32;

    /** A tool's name is an identifier the gateway looks up: real ones are short, so this bound is fixed. */
    public static final int MAX_TOOL_NAME_CHARS = 256;

    public StreamLimits {
        if (maxToolArgumentBytes < 1 || maxToolCalls < 1) {
            throw new IllegalArgumentException(
                    "limits must be positive: " + maxToolArgumentBytes + " bytes, " + maxToolCalls + " calls");
        }
    }

    /** 1 MiB of arguments per call, 32 calls per step. */
    public static StreamLimits defaults() {
        return new StreamLimits(DEFAULT_MAX_TOOL_ARGUMENT_BYTES, DEFAULT_MAX_TOOL_CALLS);
    }

    public UpstreamError argumentsTooLarge() {
        return UpstreamError.of(ErrorCode.UPSTREAM_ERROR,
                "upstream sent tool call arguments over " + maxToolArgumentBytes + " bytes", false);
    }

    public UpstreamError tooManyToolCalls() {
        return UpstreamError.of(ErrorCode.UPSTREAM_ERROR,
                "upstream sent more than " + maxToolCalls + " tool calls in one step", false);
    }

    public static UpstreamError toolNameTooLong() {
        return UpstreamError.of(ErrorCode.UPSTREAM_ERROR,
                "upstream sent a tool name over " + MAX_TOOL_NAME_CHARS + " characters", false);
    }

    /** The UTF-8 length of {@code text}, without encoding it; a lone surrogate counts 3 bytes, the most it may take. */
    public static long utf8Length(CharSequence text) {
        long bytes = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
