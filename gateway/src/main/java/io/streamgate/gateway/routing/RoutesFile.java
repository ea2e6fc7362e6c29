package io.streamgate.gateway.routing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * Reads and checks the routes file ({@code STREAMGATE_ROUTES_FILE}), JSON or YAML:
 *
 * <pre>
 * default_model: gpt-4o            # optional: what a request without a model gets (else the first exact route)
 * routes:
 *   - model: gpt-4o                # an exact name, or a glob: * any characters, ? one
 *     aliases: [gpt4]              # optional: other names for this route
 *     fallback: claude-sonnet      # optional: a model (or a list) tried when this route's deployments fail
 *     deployments:
 *       - name: openai-main        # optional: its name in logs, metrics, /readyz (default: model/1, model/2, ...)
 *         kind: openai             # openai (any OpenAI-compatible server) or anthropic
 *         url: https://api.openai.com/v1
 *         api_key_env: OPENAI_API_KEY  # optional: the environment variable that holds its key
 *         model: gpt-4o-2024-08-06 # optional: the name sent to the provider (default: the route's exact model)
 *         weight: 3                # optional, 1-1000 (default 1)
 * </pre>
 *
 * Strict: an unknown field, a wrong type, a bad URL, a key variable that is not set, a duplicate name: each is an
 * error naming where it is. The file is a configuration, so it is read at start only, and bounded in size and shape.
 */
public final class RoutesFile {

    /** What the file says: its routes and the default model (an exact route or alias). */
    public record Routes(List<RouteSpec> routes, String defaultModel) {}

    public static final int MAX_FILE_BYTES = 1 << 20;
    private static final int MAX_DEPTH = 8;
    private static final int MAX_NODES = 100_000;
    private static final int MAX_ROUTES = 1_000;
    private static final int MAX_LIST = 100;
    private static final int MAX_NAME_CHARS = 256;
    private static final int MAX_WEIGHT = 1_000;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern DEPLOYMENT_NAME = Pattern.compile("[A-Za-z0-9_.:/*?-]{1,128}");

    private RoutesFile() {}

    /**
     * @param text the file's content
     * @param yaml whether to read it as YAML (else JSON)
     * @param env the environment, for {@code api_key_env}
     * @throws IllegalArgumentException naming the first problem, on one line
     */
    public static Routes parse(byte[] text, boolean yaml, Function<String, String> env) {
        if (text.length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("the file is larger than " + MAX_FILE_BYTES + " bytes");
        }
        Object root = read(text, yaml);
        return routes(object(root, "the file"), env);
    }

    /** Whether a file of this name is read as YAML: anything but {@code .json}. */
    public static boolean isYaml(String fileName) {
        return !fileName.toLowerCase(Locale.ROOT).endsWith(".json");
    }

    // --- the document, as plain maps, lists and scalars, bounded ---

    private static Object read(byte[] text, boolean yaml) {
        JsonFactory factory = yaml ? YAMLFactory.builder().build() : JsonFactory.builder().build();
        factory.setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH).maxStringLength(64 * 1024).maxNumberLength(32).build());
        try (JsonParser p = factory.createParser(text)) {
            int[] nodes = {0};
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IllegalArgumentException("the file is empty");
            }
            Object root = value(p, nodes);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("more than one document");
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new IllegalArgumentException("not valid " + (yaml ? "YAML" : "JSON") + where + ": "
                    + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read: " + oneLine(String.valueOf(e.getMessage())));
        }
    }

    private static Object value(JsonParser p, int[] nodes) throws IOException {
        if (++nodes[0] > MAX_NODES) {
            throw new IllegalArgumentException("more than " + MAX_NODES + " values");
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    if (map.put(key, value(p, nodes)) != null) {
                        throw new IllegalArgumentException("the field '" + printable(key) + "' appears twice"
                                + " (line " + p.currentLocation().getLineNr() + ")");
                    }
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p, nodes));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : p.getText();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IllegalArgumentException("unexpected " + t + " (line "
                    + p.currentLocation().getLineNr() + ")");
        }
    }

    // --- the schema ---

    private static Routes routes(Map<String, Object> root, Function<String, String> env) {
        only(root, "the file", Set.of("routes", "default_model"));
        List<Object> list = list(root.get("routes"), "routes", true);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("routes: at least one route is needed");
        }
        if (list.size() > MAX_ROUTES) {
            throw new IllegalArgumentException("routes: more than " + MAX_ROUTES);
        }
        List<RouteSpec> routes = new ArrayList<>();
        Set<String> deploymentNames = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            routes.add(route(object(list.get(i), "routes[" + i + "]"), "routes[" + i + "]", env, deploymentNames));
        }
        String defaultModel = optionalName(root.get("default_model"), "default_model");
        if (defaultModel == null) {
            defaultModel = routes.stream().filter(r -> !r.isGlob()).map(RouteSpec::model).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("default_model: every route is a glob, so a "
                            + "request without a model has no route; name one with default_model"));
        }
        return new Routes(routes, defaultModel);
    }

    private static RouteSpec route(
            Map<String, Object> route, String where, Function<String, String> env, Set<String> deploymentNames) {
        only(route, where, Set.of("model", "aliases", "fallback", "deployments"));
        String model = name(route.get("model"), where + ".model");
        where = "route '" + printable(model) + "'";
        List<String> aliases = names(route.get("aliases"), where + ".aliases");
        if (!aliases.isEmpty() && Glob.isGlob(model)) {
            throw new IllegalArgumentException(where + ": a glob route cannot have aliases");
        }
        Object fallback = route.get("fallback");
        List<String> fallbacks = fallback instanceof String one
                ? List.of(name(one, where + ".fallback"))
                : names(fallback, where + ".fallback");
        List<Object> list = list(route.get("deployments"), where + ".deployments", true);
        if (list.isEmpty() || list.size() > MAX_LIST) {
            throw new IllegalArgumentException(where + ".deployments: 1 to " + MAX_LIST + " deployments");
        }
        List<DeploymentSpec> deployments = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = where + ".deployments[" + i + "]";
            DeploymentSpec d = deployment(object(list.get(i), at), at, model, i, env);
            if (!deploymentNames.add(d.name())) {
                throw new IllegalArgumentException(at + ": the deployment name '" + d.name() + "' is used twice");
            }
            deployments.add(d);
        }
        return new RouteSpec(model, model, aliases, deployments, fallbacks, false);
    }

    private static DeploymentSpec deployment(
            Map<String, Object> d, String where, String routeModel, int index, Function<String, String> env) {
        only(d, where, Set.of("name", "kind", "url", "api_key_env", "model", "weight"));
        String name = optionalString(d.get("name"), where + ".name");
        if (name == null) {
            name = routeModel + "/" + (index + 1);
        }
        if (!DEPLOYMENT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ".name: 1-128 characters of A-Z a-z 0-9 _ . : / * ? -");
        }
        String kind = string(d.get("kind"), where + ".kind");
        Dialect dialect = switch (kind) {
            case "openai" -> Dialect.OPENAI;
            case "anthropic" -> Dialect.ANTHROPIC;
            default -> throw new IllegalArgumentException(where + ".kind: unknown kind '" + printable(kind)
                    + "'; expected openai or anthropic");
        };
        String url = string(d.get("url"), where + ".url");
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null) {
            throw new IllegalArgumentException(where + ".url: not an http(s) URL"); // not echoed: it may hold a key
        }
        if (!parsed.username().isEmpty() || !parsed.password().isEmpty()) {
            throw new IllegalArgumentException(where + ".url: credentials in the URL; use api_key_env");
        }
        String keyVariable = optionalString(d.get("api_key_env"), where + ".api_key_env");
        String key = null;
        if (keyVariable != null) {
            if (!ENV_NAME.matcher(keyVariable).matches()) {
                throw new IllegalArgumentException(where + ".api_key_env: not an environment variable name");
            }
            key = env.apply(keyVariable);
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException(where + ".api_key_env: the environment variable " + keyVariable
                        + " is not set");
            }
        }
        String model = optionalName(d.get("model"), where + ".model");
        if (model == null && dialect == Dialect.ANTHROPIC && Glob.isGlob(routeModel)) {
            throw new IllegalArgumentException(where + ".model: an anthropic deployment of a glob route needs a "
                    + "model, since the Messages API has no default");
        }
        int weight = 1;
        Object w = d.get("weight");
        if (w != null) {
            if (!(w instanceof Integer i) || i < 1 || i > MAX_WEIGHT) {
                throw new IllegalArgumentException(where + ".weight: an integer from 1 to " + MAX_WEIGHT);
            }
            weight = i;
        }
        return new DeploymentSpec(name, dialect, url, key, model, weight);
    }

    // --- typed reads ---

    private static void only(Map<String, Object> map, String where, Set<String> allowed) {
        for (String key : map.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown field '" + printable(key) + "'; expected "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + ": expected an object");
        }
        return (Map<String, Object>) map;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String where, boolean required) {
        if (value == null && !required) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(where + ": expected a list");
        }
        return (List<Object>) list;
    }

    private static List<String> names(Object value, String where) {
        List<Object> list = list(value, where, false);
        if (list.size() > MAX_LIST) {
            throw new IllegalArgumentException(where + ": more than " + MAX_LIST);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            names.add(name(list.get(i), where + "[" + i + "]"));
        }
        return names;
    }

    private static String string(Object value, String where) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(where + ": expected a non-empty string");
        }
        return s.strip();
    }

    private static String optionalString(Object value, String where) {
        return value == null ? null : string(value, where);
    }

    /** A model name: printable, without spaces, at most {@value #MAX_NAME_CHARS} characters. */
    private static String name(Object value, String where) {
        String s = string(value, where);
        if (s.length() > MAX_NAME_CHARS || !s.chars().allMatch(c -> c > 0x20 && c != 0x7f && !Character.isISOControl(c))) {
            throw new IllegalArgumentException(where + ": a model name is 1-" + MAX_NAME_CHARS
                    + " printable characters without spaces");
        }
        return s;
    }

    private static String optionalName(Object value, String where) {
        return value == null ? null : name(value, where);
    }

    private static String printable(String s) {
        return printable(s, 64);
    }

    private static String printable(String s, int max) {
        String cut = s.length() > max ? s.substring(0, max) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static String oneLine(String s) {
        return s == null ? "" : printable(s.replaceAll("\\s+", " "), 200);
    }

    /** For tests: parse text. */
    static Routes parse(String text, boolean yaml, Function<String, String> env) {
        return parse(text.getBytes(StandardCharsets.UTF_8), yaml, env);
    }
}
