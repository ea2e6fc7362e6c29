package io.streamgate.gateway.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.streamgate.gateway.http.RequestPath;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Any request-target is either refused or accepted as a path that is already in normal form: decoding it or
 * normalising it changes nothing, so whatever accepts it and whatever routes it see the same path.
 *
 * <p>The input is the target as the HTTP codec hands it over (each byte one char). {@code make test} replays the
 * kept corpus of hostile shapes; {@code JAZZER_FUZZ=1 mvn -pl gateway test -Dtest=RequestPathFuzzTest} fuzzes anew.
 */
class RequestPathFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void acceptsOnlyNormalForm(byte[] raw) {
        String target = new String(raw, StandardCharsets.ISO_8859_1);
        RequestPath accepted = RequestPath.parse(target).orElse(null);
        if (accepted == null) {
            return;
        }
        String path = accepted.path();
        check(target.equals(accepted.query().isEmpty() && !target.contains("?") ? path
                : path + "?" + accepted.query()), "the target splits into its path and query", target);
        check(path.startsWith("/") && !path.contains("//"), "an absolute path without empty segments", target);
        for (char c : path.toCharArray()) {
            check(c > 0x20 && c < 0x7f && c != '%' && c != '\\' && c != ';' && c != '?' && c != '#',
                    "only plain ASCII path characters", target);
        }
        check(path.equals(new QueryStringDecoder(path).path()), "decoding changes nothing", target);
        check(path.equals(URI.create(path).normalize().getRawPath()), "normalising changes nothing", target);
        check(accepted.equals(RequestPath.parse(target).orElseThrow()), "the same decision every time", target);
        new QueryStringDecoder(accepted.query(), false).parameters(); // the query decodes without an error
    }

    private static void check(boolean holds, String what, String target) {
        if (!holds) {
            throw new AssertionError(what + ": " + target.chars()
                    .mapToObj(c -> c < 0x20 || c > 0x7e ? String.format("\\x%02x", c) : String.valueOf((char) c))
                    .reduce("", String::concat));
        }
    }
}
