package io.streamgate.gateway.simulator;

/**
 * A request the simulator refuses with {@code 400 invalid_request_error}; the message is shown to
 * the client, so it names the offending field and never echoes large parts of the body.
 */
final class InvalidRequestException extends RuntimeException {

    InvalidRequestException(String message) {
        super(message, null, false, false);
    }

    InvalidRequestException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
