package io.streamgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.HostilePaths;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathTest {

    /** As the HTTP codec hands the target over: each byte of the request line one char. */
    static String asDecoded(String sent) {
        return new String(sent.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    static Stream<String> hostile() {
        return HostilePaths.ALL.stream();
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void targetsNotInNormalFormAreRefused(String target) {
        assertEquals(Optional.empty(), RequestPath.parse(asDecoded(target)), target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/api/v1/a b", "/api/v1/x\ty", "/a\"b", "/a<b>", "/a{b}", "/a|b", "/a^b", "/a`b",
        "/a[b]", "/a%", "/a%4", "/?%4", "/?a=%G0", "/? ", "/?a#b", "/?\u00e9"})
    void otherCharactersOutsideThePathGrammarAreRefused(String target) {
        assertEquals(Optional.empty(), RequestPath.parse(target), target);
    }

    @Test
    void normalTargetsSplitIntoPathAndRawQuery() {
        assertEquals(new RequestPath("/", ""), RequestPath.parse("/").orElseThrow());
        assertEquals(new RequestPath("/api/v1/conversations/c-1_a.b:c/stream", ""),
                RequestPath.parse("/api/v1/conversations/c-1_a.b:c/stream").orElseThrow());
        assertEquals(new RequestPath("/api/v1/conversations/c1/stream", "last_event_id=%35&x=a;b/c?d"),
                RequestPath.parse("/api/v1/conversations/c1/stream?last_event_id=%35&x=a;b/c?d").orElseThrow());
        assertEquals(new RequestPath("/healthz", ""), RequestPath.parse("/healthz?").orElseThrow());
        assertEquals(new RequestPath("/v1/models/", ""), RequestPath.parse("/v1/models/").orElseThrow(),
                "a trailing slash is a different path, not a disguised one");
        assertEquals(new RequestPath("/a/.../..b/b..", ""), RequestPath.parse("/a/.../..b/b..").orElseThrow(),
                "only '.' and '..' themselves are dot segments");
        assertEquals(new RequestPath("/a!$&'()*+,=:@~", ""), RequestPath.parse("/a!$&'()*+,=:@~").orElseThrow());
    }

    @Test
    void whatIsAcceptedDecodesAndNormalisesToItself() {
        for (String target : new String[] {"/", "/api/v1/conversations/x/stream", "/a/.../b", "/x:y@z", "/t/"}) {
            String path = RequestPath.parse(target).orElseThrow().path();
            assertEquals(path, new io.netty.handler.codec.http.QueryStringDecoder(path).path());
            assertEquals(path, java.net.URI.create(path).normalize().getPath());
            assertTrue(RequestPath.parse(path).isPresent());
        }
    }
}
