package io.streamgate.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.config.ConfigException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpToolConfigTest {

    @Test
    void parsesDeclarations() {
        List<HttpToolConfig> tools = HttpToolConfig.parse("""
                [{"name": "weather", "description": "Weather by city", "url": "https://Tools.Example.com/weather",
                  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
                 {"name": "ping", "description": "Ping", "url": "http://127.0.0.1:9000/ping"}]""");
        assertEquals(2, tools.size());
        assertEquals(new HttpToolConfig("weather", "Weather by city",
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}",
                URI.create("https://Tools.Example.com/weather")), tools.get(0));
        assertEquals("tools.example.com", tools.get(0).host());
        assertEquals("{\"type\":\"object\",\"properties\":{}}", tools.get(1).parametersSchema());
        assertEquals(List.of(), HttpToolConfig.parse("[]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "[1]",
        "[{\"name\": \"x\", \"description\": \"d\"}]",
        "[{\"name\": \"x\", \"description\": \"d\", \"url\": \"ftp://host/x\"}]",
        "[{\"name\": \"x\", \"description\": \"d\", \"url\": \"http://user:pw@host/x\"}]",
        "[{\"name\": \"x\", \"description\": \"d\", \"url\": \"/relative\"}]",
        "[{\"name\": \"x\", \"description\": \"d\", \"url\": \"http://h/\", \"parameters\": []}]",
        "[{\"name\": \"x\", \"description\": \"d\", \"url\": \"http://h/\", \"urls\": 1}]",
        "[{\"name\": \"\", \"description\": \"d\", \"url\": \"http://h/\"}]",
        "[{\"name\": \"x\"",
    })
    void rejectsMalformedDeclarations(String json) {
        assertThrows(ConfigException.class, () -> HttpToolConfig.parse(json));
    }

    @Test
    void rejectsDuplicateNamesThroughTheRegistry() {
        String json = "[{\"name\": \"x\", \"description\": \"d\", \"url\": \"http://h/\"},"
                + " {\"name\": \"x\", \"description\": \"d\", \"url\": \"http://h/\"}]";
        List<HttpTool> tools = HttpTool.fromConfig(json, java.util.Set.of("h"), java.time.Duration.ofSeconds(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToolRegistry.of(tools));
        assertTrue(e.getMessage().contains("'x'"));
    }
}
