package io.streamgate.gateway.tools;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ToolSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tools the gateway offers, by name. Immutable and thread-safe.
 *
 * <p>A request names the tools it wants; {@link #specs} turns those names into what the provider is sent and
 * rejects unknown names before the stream starts, so the client gets a 400 instead of a confused model.
 */
public final class ToolRegistry {

    /** What OpenAI and Anthropic both accept as a function name. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Map<String, Tool> byName;

    private ToolRegistry(Map<String, Tool> byName) {
        this.byName = byName;
    }

    /** @throws IllegalArgumentException on a duplicate or malformed name */
    public static ToolRegistry of(Collection<? extends Tool> tools) {
        requireNonNull(tools, "tools");
        Map<String, Tool> byName = new LinkedHashMap<>();
        for (Tool tool : tools) {
            String name = requireNonNull(tool, "tool").name();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("tool name '" + name + "' must match " + NAME.pattern());
            }
            if (byName.putIfAbsent(name, tool) != null) {
                throw new IllegalArgumentException("two tools are named '" + name + "'");
            }
        }
        return new ToolRegistry(byName);
    }

    /** {@code current_time} and {@code calculator}, on the system clock. */
    public static ToolRegistry builtIns() {
        return of(List.of(new CurrentTimeTool(), new CalculatorTool()));
    }

    /** This registry plus {@code more} (for example the configured {@link HttpTool}s). */
    public ToolRegistry with(Collection<? extends Tool> more) {
        List<Tool> all = new ArrayList<>(byName.values());
        all.addAll(requireNonNull(more, "more"));
        return of(all);
    }

    public Optional<Tool> find(String name) {
        return Optional.ofNullable(byName.get(requireNonNull(name, "name")));
    }

    /**
     * The specs of the named tools, in the order given.
     *
     * @throws IllegalArgumentException naming the first unknown tool
     */
    public List<ToolSpec> specs(List<String> names) {
        requireNonNull(names, "names");
        List<ToolSpec> specs = new ArrayList<>(names.size());
        for (String name : names) {
            Tool tool = byName.get(requireNonNull(name, "name"));
            if (tool == null) {
                throw new IllegalArgumentException("unknown tool '" + name + "'; available: " + names());
            }
            specs.add(tool.spec());
        }
        return List.copyOf(specs);
    }

    /** Every tool name, in registration order. */
    public Set<String> names() {
        return java.util.Collections.unmodifiableSet(byName.keySet());
    }
}
