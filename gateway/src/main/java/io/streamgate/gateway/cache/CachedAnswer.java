package io.streamgate.gateway.cache;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.Usage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A stored answer: its pieces of text and reasoning as the provider sent them, when each arrived (for a replay at
 * the original pace), how it finished and what it used. Immutable; about two bytes per character plus nine per piece.
 *
 * <p>{@link #encode()} and {@link #decode} are its form in Redis. Decoding checks every length and offset, so bytes
 * that are not an answer (another program's key, a truncated value) are refused, never half-read.
 */
public final class CachedAnswer {

    public enum Kind { TEXT, THINKING }

    private static final byte VERSION = 1;
    private static final int MAX_FINISH_REASON = 64;

    private final String chars; // every piece, in order
    private final int[] ends; // where each piece ends in chars
    private final int[] millis; // when each piece arrived, after the first
    private final byte[] kinds;
    private final String finishReason;
    private final Usage usage;

    private CachedAnswer(String chars, int[] ends, int[] millis, byte[] kinds, String finishReason, Usage usage) {
        this.chars = chars;
        this.ends = ends;
        this.millis = millis;
        this.kinds = kinds;
        this.finishReason = finishReason;
        this.usage = usage;
    }

    public int pieces() {
        return ends.length;
    }

    public Kind kind(int piece) {
        return kinds[piece] == 0 ? Kind.TEXT : Kind.THINKING;
    }

    public String piece(int piece) {
        return chars.substring(piece == 0 ? 0 : ends[piece - 1], ends[piece]);
    }

    /** When the piece first arrived, in milliseconds after the first piece. */
    public int atMillis(int piece) {
        return millis[piece];
    }

    public String finishReason() {
        return finishReason;
    }

    public Usage usage() {
        return usage;
    }

    /** The answer's text (reasoning excluded). */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < pieces(); i++) {
            if (kinds[i] == 0) {
                text.append(chars, i == 0 ? 0 : ends[i - 1], ends[i]);
            }
        }
        return text.toString();
    }

    /** About what this answer holds on the heap, in bytes: what the cache's memory bound counts. */
    public int weight() {
        return 96 + 2 * chars.length() + 9 * ends.length + 2 * finishReason.length();
    }

    // ---- building ----

    /** Collects an answer as it streams; {@link #build} once it has finished. Not thread-safe. */
    public static final class Builder {
        private final int maxChars;
        private final StringBuilder chars = new StringBuilder();
        private int[] ends = new int[16];
        private int[] millis = new int[16];
        private byte[] kinds = new byte[16];
        private int count;
        private long firstNanos;
        private boolean overflowed;

        /** @param maxChars the most characters kept; past it the answer is not cacheable */
        public Builder(int maxChars) {
            this.maxChars = maxChars;
        }

        /** Adds a piece; returns false once the answer is too long to cache (later pieces are ignored). */
        public boolean add(Kind kind, String piece, long nanos) {
            if (overflowed || piece.isEmpty()) {
                return !overflowed;
            }
            if (chars.length() + piece.length() > maxChars) {
                overflowed = true;
                chars.setLength(0);
                return false;
            }
            if (count == ends.length) {
                ends = Arrays.copyOf(ends, count * 2);
                millis = Arrays.copyOf(millis, count * 2);
                kinds = Arrays.copyOf(kinds, count * 2);
            }
            if (count == 0) {
                firstNanos = nanos;
            }
            chars.append(piece);
            ends[count] = chars.length();
            millis[count] = (int) Math.min(Integer.MAX_VALUE, Math.max(0, (nanos - firstNanos) / 1_000_000));
            kinds[count] = (byte) kind.ordinal();
            count++;
            return true;
        }

        public boolean overflowed() {
            return overflowed;
        }

        public CachedAnswer build(String finishReason, Usage usage) {
            if (overflowed) {
                throw new IllegalStateException("the answer was too long to cache");
            }
            return new CachedAnswer(chars.toString(), Arrays.copyOf(ends, count), Arrays.copyOf(millis, count),
                    Arrays.copyOf(kinds, count), checkedReason(finishReason), requireNonNull(usage, "usage"));
        }
    }

    private static String checkedReason(String finishReason) {
        requireNonNull(finishReason, "finishReason");
        if (finishReason.length() > MAX_FINISH_REASON) {
            throw new IllegalArgumentException("finish reason too long");
        }
        return finishReason;
    }

    // ---- the stored form ----

    /** {@code version, finish reason, usage (4 longs), pieces, then per piece kind, end and time, then the text}. */
    public byte[] encode() {
        byte[] text = chars.getBytes(StandardCharsets.UTF_8);
        byte[] reason = finishReason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + reason.length + 32 + 4 + 9 * ends.length + 4 + text.length);
        out.put(VERSION).putInt(reason.length).put(reason);
        out.putLong(usage.promptTokens()).putLong(usage.completionTokens())
                .putLong(usage.cacheCreationInputTokens()).putLong(usage.cacheReadInputTokens());
        out.putInt(ends.length);
        for (int i = 0; i < ends.length; i++) {
            out.put(kinds[i]).putInt(ends[i]).putInt(millis[i]);
        }
        out.putInt(text.length).put(text);
        return out.array();
    }

    /**
     * Reads what {@link #encode()} wrote.
     *
     * @throws IllegalArgumentException when {@code bytes} are not a well-formed answer of at most {@code maxChars}
     */
    public static CachedAnswer decode(byte[] bytes, int maxChars) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != VERSION) {
                throw new IllegalArgumentException("unknown version");
            }
            String reason = checkedReason(utf8(in, length(in, MAX_FINISH_REASON * 4)));
            Usage usage = new Usage(count(in), count(in), count(in), count(in));
            int pieces = length(in, in.remaining() / 9);
            int[] ends = new int[pieces];
            int[] millis = new int[pieces];
            byte[] kinds = new byte[pieces];
            for (int i = 0; i < pieces; i++) {
                kinds[i] = in.get();
                ends[i] = in.getInt();
                millis[i] = in.getInt();
                if ((kinds[i] != 0 && kinds[i] != 1) || ends[i] <= (i == 0 ? 0 : ends[i - 1])
                        || millis[i] < (i == 0 ? 0 : millis[i - 1])) {
                    throw new IllegalArgumentException("malformed piece " + i);
                }
            }
            String chars = utf8(in, length(in, in.remaining()));
            if (in.hasRemaining() || chars.length() > maxChars
                    || (pieces == 0 ? chars.length() != 0 : ends[pieces - 1] != chars.length())) {
                throw new IllegalArgumentException("pieces and text disagree");
            }
            return new CachedAnswer(chars, ends, millis, kinds, reason, usage);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated", e);
        }
    }

    private static int length(ByteBuffer in, int max) {
        int n = in.getInt();
        if (n < 0 || n > max) {
            throw new IllegalArgumentException("length out of range: " + n);
        }
        return n;
    }

    private static long count(ByteBuffer in) {
        long n = in.getLong();
        if (n < Usage.UNKNOWN) {
            throw new IllegalArgumentException("negative count");
        }
        return n;
    }

    private static String utf8(ByteBuffer in, int length) {
        if (length > in.remaining()) {
            throw new IllegalArgumentException("truncated");
        }
        ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
    }
}
