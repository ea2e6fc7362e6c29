package io.streamgate.gateway.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streamgate.gateway.conversation.MessageStatus;
import io.streamgate.gateway.conversation.NewMessage;
import io.streamgate.gateway.stream.SseEventEncoder;
import io.streamgate.gateway.stream.StreamEvent;
import io.streamgate.llm.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The journal's events, encoded as the gateway sends them, decode back into the answer they carried. */
class JournalAnswerTest {

    private final List<byte[]> events = new ArrayList<>();

    private void add(StreamEvent event) {
        ByteBuf out = Unpooled.buffer();
        SseEventEncoder.encode(event, events.size(), 1_795_513_167_482L, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        events.add(bytes);
    }

    @Test
    void textAndThinkingBecomeAPartialAnswer() {
        add(new StreamEvent.Thinking("let me "));
        add(new StreamEvent.Thinking("think"));
        add(new StreamEvent.MessageChunk("Once upon", 2, false));
        add(new StreamEvent.MessageChunk(" a time \"é\"\n😀", 3, false));
        JournalAnswer.Decoded decoded = JournalAnswer.decode(events);
        assertFalse(decoded.terminal());
        List<NewMessage> messages = decoded.turn().messages();
        assertEquals(1, messages.size());
        NewMessage answer = messages.getFirst();
        assertEquals("Once upon a time \"é\"\n😀", answer.content());
        assertEquals("let me think", answer.thinking());
        assertEquals(MessageStatus.PARTIAL, answer.status());
        assertEquals("stream_owner_lost", answer.finishReason());
    }

    @Test
    void toolStepsKeepTheirCallsAndResultsAndAnUnansweredCallGetsAnErrorResult() {
        add(new StreamEvent.MessageChunk("Let me check.", 1, false));
        add(new StreamEvent.ToolCall("call_1", "calculator", "{\"expression\":\"2+2\"}"));
        add(new StreamEvent.ToolResult("call_1", "calculator", "{\"value\":4}", false));
        add(new StreamEvent.MessageChunk("It is 4. Now the time:", 1, false));
        add(new StreamEvent.ToolCall("call_2", "current_time", "{}"));
        List<NewMessage> m = JournalAnswer.decode(events).turn().messages();
        assertEquals(5, m.size(), m.toString());
        assertEquals("Let me check.", m.get(0).content());
        assertEquals("call_1", m.get(0).toolCalls().getFirst().id());
        assertEquals("{\"expression\":\"2+2\"}", m.get(0).toolCalls().getFirst().argumentsJson());
        assertEquals("call_1", m.get(1).toolCallId());
        assertTrue(m.get(1).content().contains("4"), m.get(1).content());
        assertEquals("It is 4. Now the time:", m.get(2).content());
        assertEquals("call_2", m.get(2).toolCalls().getFirst().id());
        assertEquals("call_2", m.get(3).toolCallId(), "the call that never ran gets a result saying so");
        assertEquals("", m.get(4).content());
        assertEquals(MessageStatus.PARTIAL, m.get(4).status());
    }

    @Test
    void nothingSentIsAnErrorWithoutText() {
        NewMessage answer = JournalAnswer.decode(List.of()).turn().messages().getFirst();
        assertEquals("", answer.content());
        assertEquals(MessageStatus.ERROR, answer.status());
        assertNull(answer.thinking());
    }

    @Test
    void aTerminalEventIsReported() {
        add(new StreamEvent.MessageChunk("done", 1, true));
        add(new StreamEvent.Error(ErrorCode.UPSTREAM_ERROR, "boom", false));
        assertTrue(JournalAnswer.decode(events).terminal());
    }

    @Test
    void aResultForNoPendingCallIsLeftOut() {
        add(new StreamEvent.ToolResult("nobody", "calculator", "1", false));
        add(new StreamEvent.MessageChunk("text", 1, false));
        List<NewMessage> m = JournalAnswer.decode(events).turn().messages();
        assertEquals("text", m.getLast().content());
        assertTrue(m.stream().noneMatch(x -> "nobody".equals(x.toolCallId())));
    }

    @Test
    void bytesThatAreNotAnEventAreRefused() {
        for (String bad : new String[] {"", "data: {}\n\n", "id: 1\ndata: [1]\n\n", "id: 1\ndata: {\"type\":\n\n",
                "id: 1\ndata: {\"content\":\"x\"}\n\n", "id: 1\ndata: {\"type\":\"tool_call\"}\n\n",
                "id: 1\ndata: {} {}\n\n"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> JournalAnswer.decode(List.of(bad.getBytes(StandardCharsets.UTF_8))), bad);
        }
    }
}
