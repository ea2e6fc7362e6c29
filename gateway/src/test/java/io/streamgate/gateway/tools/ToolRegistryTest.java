package io.streamgate.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.ToolSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolRegistryTest {

    static Tool tool(String name, ToolBody body) {
        ToolSpec spec = new ToolSpec(name, "test tool " + name, "{\"type\":\"object\"}");
        return new Tool() {
            @Override
            public ToolSpec spec() {
                return spec;
            }

            @Override
            public String call(String argumentsJson) throws ToolException {
                return body.call(argumentsJson);
            }
        };
    }

    @FunctionalInterface
    interface ToolBody {
        String call(String argumentsJson) throws ToolException;
    }

    @Test
    void builtInsAreNamed() {
        ToolRegistry registry = ToolRegistry.builtIns();
        assertEquals(List.of("current_time", "calculator"), List.copyOf(registry.names()));
        assertEquals(List.of("calculator", "current_time"),
                registry.specs(List.of("calculator", "current_time")).stream().map(ToolSpec::name).toList());
        assertTrue(registry.find("calculator").isPresent());
        assertTrue(registry.find("nope").isEmpty());
    }

    @Test
    void specsNameTheUnknownTool() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ToolRegistry.builtIns().specs(List.of("calculator", "weather")));
        assertTrue(e.getMessage().contains("'weather'"), e.getMessage());
    }

    @Test
    void namesAreUniqueAndWellFormed() {
        assertThrows(IllegalArgumentException.class,
                () -> ToolRegistry.builtIns().with(List.of(tool("calculator", a -> "{}"))));
        assertThrows(IllegalArgumentException.class, () -> ToolRegistry.of(List.of(tool("bad name", a -> "{}"))));
        assertEquals(3, ToolRegistry.builtIns().with(List.of(tool("weather", a -> "{}"))).names().size());
    }
}
