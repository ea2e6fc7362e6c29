package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayNode;
import io.streamgate.gateway.testing.RawHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The process harness of the cluster tests: a node serves as a gateway does, and a leak in it fails the test. */
class GatewayNodeEndToEndTest {

    @Test
    void aNodeStreamsAndALeakInItsJvmFailsItsStop() throws Exception {
        Path data = Files.createTempDirectory("streamgate-node-test-");
        try (GatewayNode node = GatewayNode.start("solo", GatewayNode.settings(
                "STREAMGATE_DATA_DIR", data.toString(), "STREAMGATE_SIM_TOKENS", "5"),
                "-Dstreamgate.test.leakOneBuffer=true")) {
            try (RawHttpClient client = node.request("POST", "/api/v1/conversations/c1/stream", message("hi"))) {
                assertEquals(200, client.status());
                StreamingEndToEndTest.assertContract(client.readAllEvents());
            }
            assertTrue(node.output().contains("streamgate listening on"), node.output());
            AssertionError leak = assertThrows(AssertionError.class, node::stop);
            assertTrue(leak.getMessage().contains("reported leaked buffers"), leak.getMessage());
            assertFalse(node.alive());
        }
    }
}
