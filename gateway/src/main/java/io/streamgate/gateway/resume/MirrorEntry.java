package io.streamgate.gateway.resume;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One entry of a stream's Redis copy, read back. An entry is one batch of consecutive events (the flushes of one
 * mirror period, {@link StreamMirror}): each field is an event, named by its sequence in decimal, whose value is the
 * event's SSE bytes exactly as the client got them. Its id is
 * {@code (last sequence + 1)-0}, so that a reader can start at the entry that holds the event after the one it
 * saw, and Redis itself refuses an entry that does not come after the last one.
 *
 * <p>Two fields mark the end: {@code end} (the stream is over: nothing follows) and {@code gap} (the copy lost
 * events: nothing after them may be served). What Redis returns is checked like any input: a field that is neither
 * makes the entry {@link #malformed}, and a reader treats it as a gap.
 *
 * @param sequences the events' sequences, ascending
 * @param events each event's bytes, in the same order
 */
record MirrorEntry(String id, long[] sequences, byte[][] events, boolean end, boolean gap, boolean malformed) {

    static final String END = "end";
    static final String GAP = "gap";
    static final byte[] EMPTY = new byte[0];
    private static final int MAX_SEQUENCE_DIGITS = 18;

    MirrorEntry {
        requireNonNull(id, "id");
    }

    /** The entry id of a flush whose last event is {@code lastSequence}. */
    static String idOf(long lastSequence) {
        return (lastSequence + 1) + "-0";
    }

    /**
     * The id after which a reader that saw {@code lastSeen} finds what comes next: every entry with a later id
     * holds an event after {@code lastSeen}, or an end.
     */
    static String idAfter(long lastSeen) {
        return (lastSeen + 1) + "-0";
    }

    static MirrorEntry of(String id, Map<String, byte[]> body) {
        List<Long> sequences = new ArrayList<>(body.size());
        boolean end = false;
        boolean gap = false;
        boolean malformed = body.isEmpty();
        for (String field : body.keySet()) {
            switch (field) {
                case END -> end = true;
                case GAP -> gap = true;
                default -> {
                    long seq = sequence(field);
                    if (seq < 0 || body.get(field) == null) {
                        malformed = true;
                    } else {
                        sequences.add(seq);
                    }
                }
            }
        }
        long[] sorted = sequences.stream().mapToLong(Long::longValue).sorted().toArray();
        byte[][] events = new byte[sorted.length][];
        for (int i = 0; i < sorted.length; i++) {
            events[i] = body.get(Long.toString(sorted[i]));
            if (i > 0 && sorted[i] != sorted[i - 1] + 1) {
                malformed = true; // one batch holds consecutive events
            }
        }
        return new MirrorEntry(id, sorted, events, end, gap, malformed);
    }

    /** The first event's sequence, or -1 when the entry holds none. */
    long firstSequence() {
        return sequences.length == 0 ? -1 : sequences[0];
    }

    long lastSequence() {
        return sequences.length == 0 ? -1 : sequences[sequences.length - 1];
    }

    /** A decimal sequence of at most 18 digits without a sign or leading zeros, or -1. */
    private static long sequence(String field) {
        int n = field.length();
        if (n == 0 || n > MAX_SEQUENCE_DIGITS || (n > 1 && field.charAt(0) == '0')) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MirrorEntry e && id.equals(e.id) && Arrays.equals(sequences, e.sequences)
                && Arrays.deepEquals(events, e.events) && end == e.end && gap == e.gap && malformed == e.malformed;
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "MirrorEntry[" + id + " " + Arrays.toString(sequences) + (end ? " end" : "") + (gap ? " gap" : "")
                + (malformed ? " malformed" : "") + "]";
    }
}
