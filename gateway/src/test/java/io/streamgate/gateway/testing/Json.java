package io.streamgate.gateway.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads top-level fields of a JSON object in tests, with jackson-core (no databind on the classpath). */
public final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    /** The raw token text of a top-level field, or null when absent; strings unescaped. */
    private static Object field(String json, String name) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new AssertionError("not a JSON object: " + json);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals(name)) {
                    return switch (t) {
                        case VALUE_STRING -> p.getText();
                        case VALUE_NUMBER_INT -> p.getLongValue();
                        case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                        case VALUE_TRUE -> true;
                        case VALUE_FALSE -> false;
                        case VALUE_NULL -> null;
                        default -> {
                            java.io.StringWriter raw = new java.io.StringWriter();
                            try (var g = FACTORY.createGenerator(raw)) {
                                g.copyCurrentStructure(p);
                            }
                            yield raw.toString();
                        }
                    };
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean has(String json, String name) {
        try (JsonParser p = FACTORY.createParser(json)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (p.currentName().equals(name)) {
                    return true;
                }
                p.nextToken();
                p.skipChildren();
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String string(String json, String name) {
        return (String) field(json, name);
    }

    public static long number(String json, String name) {
        Object v = field(json, name);
        if (!(v instanceof Long l)) {
            throw new AssertionError(name + " is not an integer in " + json);
        }
        return l;
    }

    public static double decimal(String json, String name) {
        return ((Number) field(json, name)).doubleValue();
    }

    public static Boolean bool(String json, String name) {
        return (Boolean) field(json, name);
    }

    /** A nested object or array, as compact JSON text. */
    public static String raw(String json, String name) {
        Object v = field(json, name);
        return v == null ? null : v.toString();
    }

    /** The elements of a JSON array, each as compact JSON text. */
    public static java.util.List<String> elements(String jsonArray) {
        try (JsonParser p = FACTORY.createParser(jsonArray)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new AssertionError("not a JSON array: " + jsonArray);
            }
            java.util.List<String> list = new java.util.ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                java.io.StringWriter raw = new java.io.StringWriter();
                try (var g = FACTORY.createGenerator(raw)) {
                    g.copyCurrentStructure(p);
                }
                list.add(raw.toString());
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
