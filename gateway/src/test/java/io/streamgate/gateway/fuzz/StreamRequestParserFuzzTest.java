package io.streamgate.gateway.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streamgate.gateway.stream.BadRequestException;
import io.streamgate.gateway.stream.StreamRequest;
import io.streamgate.gateway.stream.StreamRequestParser;

/**
 * Any request body either parses into a valid {@link StreamRequest} or is refused with a
 * {@link BadRequestException} (a 400); nothing else may escape the parser.
 *
 * <p>{@code make test} replays the kept corpus; {@code JAZZER_FUZZ=1 mvn -pl gateway test
 * -Dtest=StreamRequestParserFuzzTest} fuzzes anew.
 */
class StreamRequestParserFuzzTest {

    private static final StreamRequestParser PARSER = new StreamRequestParser(10_000);

    @FuzzTest(maxDuration = "30s")
    void parsesOrRefuses(byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            StreamRequest request = PARSER.parse(buf);
            if (request.message().isBlank() || request.message().length() > 10_000) {
                throw new AssertionError("an invalid message was accepted: " + request);
            }
            if (request.maxTokens() != null && request.maxTokens() < 1) {
                throw new AssertionError("a non-positive max_tokens was accepted");
            }
        } catch (BadRequestException refused) {
            // a 400 with a message: fine
        } finally {
            buf.release();
        }
    }
}
