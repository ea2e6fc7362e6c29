package io.streamgate.bench.load;

/**
 * What one stream measured. Times are nanoseconds from just before the connect; {@code -1} when the moment never
 * came.
 *
 * @param headersNanos until the response status line and headers were decoded
 * @param firstContentNanos until the first event with non-empty answer text was parsed
 * @param totalNanos until the response ended (or, in hold mode, until the harness closed it)
 * @param events SSE events dispatched (comments not counted)
 * @param error {@code null} on success, else a short stable reason used to group failures in the report
 */
public record StreamResult(long headersNanos, long firstContentNanos, long totalNanos, int events, String error) {

    public boolean ok() {
        return error == null;
    }
}
