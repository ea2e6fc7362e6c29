package io.streamgate.gateway.cache.semantic;

/** The semantic index's queue is full (or the index is closed): the probe was not run. */
public final class SemanticBusyException extends RuntimeException {

    public SemanticBusyException(String message) {
        super(message, null, false, false);
    }
}
