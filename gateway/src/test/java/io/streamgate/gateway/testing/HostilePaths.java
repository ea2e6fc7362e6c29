package io.streamgate.gateway.testing;

import java.util.List;

/**
 * Request-targets that are not in normal form, each a way to make one path look like another (or like an open
 * one) to a check that compares raw text while the router compares decoded text. The strings are what goes on the
 * request line; {@code é} is sent as its two UTF-8 bytes. The HTTP codec decodes all of them (none has a space), so
 * each reaches the gateway's own checks.
 */
public final class HostilePaths {

    private HostilePaths() {}

    public static final List<String> ALL = List.of(
            "/%61pi/v1/conversations/x/stream",                 // percent-encoded unreserved character
            "/api/v1/conversations/x/%73tream",
            "/%41PI/v1/conversations/x/stream",
            "/api/v1/conversations%2Fx/stream",                 // encoded slash, upper and lower case
            "/api/v1/conversations%2fx/stream",
            "/api/v1/conversations/x%2Fstream",
            "/api//v1/conversations/x/stream",                  // empty segments
            "//api/v1/conversations/x/stream",
            "/api/./v1/conversations/x/stream",                 // dot segments, plain and encoded
            "/api/v1/../v1/conversations/x/stream",
            "/api/v1/conversations/x/stream/.",
            "/api/v1/conversations/x/stream/..",
            "/api/v1/conversations/x/%2e%2e/x/stream",
            "/api/v1/conversations/x/%252e%252e/stream",        // double encoding
            "/healthz/../api/v1/conversations/x/stream",        // an open path as a prefix
            "/healthz%2F..%2Fapi/v1/conversations/x/stream",
            "/index.html/../api/v1/conversations/x",
            "/api\\v1\\conversations\\x\\stream",               // backslashes
            "/api/v1/conversations/x/stream;a=b",               // path parameters
            "/healthz;/../api/v1/conversations/x/stream",
            "/api/v1/conversations/x%00/stream",                // NUL, encoded and raw
            "/api/v1/conversations/x\u0000/stream",
            "/api/v1/conversations/x\u0001/stream",             // control characters
            "/api/v1/conversations/x/stream\u007f",
            "/api/v1/conversations/é/stream",                   // non-ASCII
            "/api/v1/conversations/x/stream%3Fq=1",             // encoded '?'
            "/api/v1/conversations/x/stream#fragment",          // a fragment is never sent
            "/api/v1/conversations/x/stream?last_event_id=%zz", // broken percent-encoding in the query
            "http://127.0.0.1/api/v1/conversations/x/stream",   // absolute form
            "api/v1/conversations/x/stream",                    // no leading slash
            "*");                                               // asterisk form
}
