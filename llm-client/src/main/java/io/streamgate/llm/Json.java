package io.streamgate.llm;

import com.fasterxml.jackson.core.JsonFactory;

/**
 * The one {@link JsonFactory} of the module. A factory is thread-safe and owns the symbol tables and buffer
 * recyclers that make each new parser cheap, so every stream shares it instead of building its own.
 */
public final class Json {

    public static final JsonFactory FACTORY = JsonFactory.builder().build();

    private Json() {}
}
