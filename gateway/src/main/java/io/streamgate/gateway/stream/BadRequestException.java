package io.streamgate.gateway.stream;

/** The request can't be served as sent; the message is safe to return to the client as a 400. */
public final class BadRequestException extends RuntimeException {
    public BadRequestException(String message) {
        super(message, null, false, false);
    }
}
