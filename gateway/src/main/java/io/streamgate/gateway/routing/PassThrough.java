package io.streamgate.gateway.routing;

import io.streamgate.llm.StreamingPost;
import java.util.Map;

/** Builds a deployment's streaming request for a body already in its dialect; see {@link Deployment#passThrough}. */
@FunctionalInterface
public interface PassThrough {
    StreamingPost post(byte[] body, Map<String, String> headers);
}
