package io.streamgate.gateway.stream;

/** The request names a model no route serves: the client gets 404 {@code model_not_found}. */
public final class ModelNotFoundException extends RuntimeException {

    public ModelNotFoundException(String message) {
        super(message, null, false, false);
    }
}
