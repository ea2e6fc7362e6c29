package io.streamgate.gateway.conversation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.gateway.stream.AnswerStats;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The {@code stats_json} column, and the {@code stats} object of the history document:
 * {@code {"total_tokens":..,"prompt_tokens":..,"total_chunks":..,"elapsed_time":..,"first_token_ms":..,"cached":true}},
 * with the names of {@code complete_state}; an unknown count is left out, and so is {@code cached} when false (so
 * stats stored before it existed read as they were written).
 */
final class AnswerStatsJson {

    private static final JsonFactory JSON = new JsonFactory();

    private AnswerStatsJson() {}

    /** The column value; null for no stats. */
    static String write(AnswerStats stats) {
        if (stats == null) {
            return null;
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            writeObject(stats, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static void writeObject(AnswerStats stats, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("total_tokens", stats.totalTokens());
        if (stats.promptTokens() >= 0) {
            g.writeNumberField("prompt_tokens", stats.promptTokens());
        }
        g.writeNumberField("total_chunks", stats.totalChunks());
        g.writeNumberField("elapsed_time", stats.elapsedSeconds());
        if (stats.firstTokenMs() >= 0) {
            g.writeNumberField("first_token_ms", stats.firstTokenMs());
        }
        if (stats.cached()) {
            g.writeBooleanField("cached", true);
        }
        g.writeEndObject();
    }

    /** The stats in a column value; null when there are none or they do not parse (they are for display only). */
    static AnswerStats read(String column) {
        if (column == null) {
            return null;
        }
        long totalTokens = -1, promptTokens = -1, totalChunks = -1, firstTokenMs = -1;
        double elapsed = -1;
        boolean cached = false;
        try (JsonParser p = JSON.createParser(column)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("cached")) {
                    cached = value == JsonToken.VALUE_TRUE;
                    p.skipChildren();
                    continue;
                }
                if (!value.isNumeric()) {
                    p.skipChildren();
                    continue;
                }
                switch (field) {
                    case "total_tokens" -> totalTokens = p.getLongValue();
                    case "prompt_tokens" -> promptTokens = p.getLongValue();
                    case "total_chunks" -> totalChunks = p.getLongValue();
                    case "elapsed_time" -> elapsed = p.getDoubleValue();
                    case "first_token_ms" -> firstTokenMs = p.getLongValue();
                    default -> { }
                }
            }
            return new AnswerStats(totalTokens, promptTokens, totalChunks, elapsed, firstTokenMs, cached);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
