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

    /**
     * Other spellings of {@code DELETE /admin/v1/cache/tenants/acme}, and tenant paths made to lead there: none is in
     * normal form, so none is ever judged as an admin route.
     */
    public static final List<String> ADMIN = List.of(
            "/%61dmin/v1/cache/tenants/acme",                    // percent-encoded unreserved characters
            "/admin/v1/cache/tenants/%61cme",
            "/admin/v1/cache/tenants%2Facme",                    // encoded slashes
            "/admin%2Fv1%2Fcache%2Ftenants%2Facme",
            "/admin/v1/cache/tenants/%2561cme",                  // double encoding
            "/admin/v1/cache/tenants/x%252F..%252Facme",
            "/admin/v1/../v1/cache/tenants/acme",                // dot segments
            "/admin/./v1/cache/tenants/acme",
            "/admin/v1/cache/tenants/x/../acme",
            "/admin/v1/cache/tenants/acme/.",
            "/admin/v1/cache/tenants/%2e%2e/acme",
            "/api/v1/../../admin/v1/cache/tenants/acme",         // a tenant route (or an open one) as a prefix
            "/healthz/../admin/v1/cache/tenants/acme",
            "/api/v1/conversations/x/..%2F..%2F..%2Fadmin/v1/cache/tenants/acme",
            "//admin/v1/cache/tenants/acme",                     // empty segments
            "/admin//v1/cache/tenants/acme",
            "/admin;x=1/v1/cache/tenants/acme",                  // path parameters
            "/admin\\v1\\cache\\tenants\\acme",                  // backslashes
            "/admin/v1/cache/tenants/acme%00",                   // NUL
            "/admin/v1/cache/tenants/acme%3F",                   // encoded '?'
            "http://127.0.0.1/admin/v1/cache/tenants/acme");     // absolute form
}
