package io.streamgate.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The command line of {@link LoadHarness}, validated. See {@code bench/README.md} for what each option is for.
 *
 * @param gatewayUrl a running gateway to target instead of starting one; {@code null} starts one
 * @param upstreamUrl a running OpenAI-compatible upstream (e.g. {@code http://127.0.0.1:9000/v1}) instead of
 *     starting the simulator; {@code null} starts one
 * @param gatewayPid the pid of a running gateway (with {@code --gateway-url}) so its CPU and memory can be read
 * @param upstreamClients the {@code STREAMGATE_UPSTREAM_CLIENT} of each gateway to start and measure side by side;
 *     empty: one gateway with its default
 * @param tls the gateway reads its upstream over TLS, through nginx terminating it in front of the simulator
 * @param gatewayJfr each started gateway records a JFR profile of its whole run into its log directory
 * @param api the dialect of the gateway's drop-in endpoint to measure (and to speak directly and through nginx);
 *     {@code null}: the conversation API
 * @param sharedState the engines ({@code redis}, {@code postgres}) a second gateway per upstream client shares its
 *     state on, measured side by side with the gateway without them; empty: no such pass
 */
public record HarnessOptions(Profile profile, int concurrency, int streams, String gatewayUrl, String upstreamUrl,
        long gatewayPid, Path out, boolean nginx, int durationLimitSeconds, int connectsPerSecond, int clientThreads,
        Path gatewayJar, int warmupRounds, boolean followUps, int historyFlood, List<String> upstreamClients,
        boolean tls, boolean gatewayJfr, DropInApi api, List<String> sharedState) {

    /** The values {@code STREAMGATE_UPSTREAM_CLIENT} takes. */
    static final List<String> UPSTREAM_CLIENTS = List.of("okhttp", "netty");

    /** The values {@code --shared-state} takes: the engines the harness starts for the shared-state pass. */
    static final List<String> SHARED_STATE_ENGINES = List.of("redis", "postgres");

    static final String USAGE = """
            usage: LoadHarness [--profile light|heavy|hold] [--concurrency N] [--streams N]
                               [--gateway-url URL [--gateway-pid PID]] [--upstream-url URL] [--out DIR] [--nginx]
                               [--duration-limit SECONDS] [--connect-rate PER_SECOND] [--client-threads N]
                               [--gateway-jar PATH] [--warmup-rounds N] [--follow-ups] [--history-flood N]
                               [--upstream-client okhttp|netty|okhttp,netty] [--tls] [--gateway-jfr]
                               [--api openai|anthropic] [--shared-state redis|postgres|redis,postgres]""";

    public static HarnessOptions parse(String[] args) {
        Profile profile = Profile.LIGHT;
        Integer concurrency = null;
        Integer streams = null;
        String gatewayUrl = null;
        String upstreamUrl = null;
        long gatewayPid = -1;
        Path out = Path.of("bench-results");
        boolean nginx = false;
        Integer limit = null;
        Integer rate = null;
        int clientThreads = 1;
        Path jar = Path.of("gateway/target/streamgate.jar");
        int warmupRounds = 1;
        boolean followUps = false;
        int historyFlood = 0;
        List<String> clients = List.of();
        boolean tls = false;
        boolean gatewayJfr = false;
        DropInApi api = null;
        List<String> sharedState = List.of();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--profile" -> profile = Profile.valueOf(value(args, ++i, a).toUpperCase(Locale.ROOT));
                case "--concurrency" -> concurrency = positive(args, ++i, a);
                case "--streams" -> streams = positive(args, ++i, a);
                case "--gateway-url" -> gatewayUrl = value(args, ++i, a);
                case "--gateway-pid" -> gatewayPid = positive(args, ++i, a);
                case "--upstream-url" -> upstreamUrl = value(args, ++i, a);
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--nginx" -> nginx = true;
                case "--duration-limit" -> limit = positive(args, ++i, a);
                case "--connect-rate" -> rate = positive(args, ++i, a);
                case "--client-threads" -> clientThreads = positive(args, ++i, a);
                case "--gateway-jar" -> jar = Path.of(value(args, ++i, a));
                case "--warmup-rounds" -> warmupRounds = positive(args, ++i, a);
                case "--follow-ups" -> followUps = true;
                case "--history-flood" -> historyFlood = positive(args, ++i, a);
                case "--upstream-client" -> clients = list(value(args, ++i, a), UPSTREAM_CLIENTS, a);
                case "--tls" -> tls = true;
                case "--gateway-jfr" -> gatewayJfr = true;
                case "--api" -> api = DropInApi.of(value(args, ++i, a));
                case "--shared-state" -> sharedState = list(value(args, ++i, a), SHARED_STATE_ENGINES, a);
                case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (historyFlood > 0 && (profile.hold || gatewayUrl != null)) {
            throw new IllegalArgumentException("--history-flood starts its own gateway (with API keys) and needs "
                    + "the light or heavy profile");
        }
        if (clients.size() > 1 && (profile.hold || historyFlood > 0)) {
            throw new IllegalArgumentException("several --upstream-client values need the light or heavy profile "
                    + "without --history-flood; run hold once per client");
        }
        if ((!clients.isEmpty() || tls || gatewayJfr || !sharedState.isEmpty()) && gatewayUrl != null) {
            throw new IllegalArgumentException("--upstream-client, --tls, --gateway-jfr and --shared-state configure a "
                    + "gateway the harness starts; not with --gateway-url");
        }
        if (!sharedState.isEmpty() && (profile.hold || historyFlood > 0)) {
            throw new IllegalArgumentException("--shared-state measures a second gateway side by side: it needs the "
                    + "light or heavy profile without --history-flood");
        }
        if (api != null && (historyFlood > 0 || followUps)) {
            throw new IllegalArgumentException("--history-flood and --follow-ups use the conversation API; not with --api");
        }
        if (tls && upstreamUrl != null && !upstreamUrl.startsWith("http://")) {
            throw new IllegalArgumentException("--tls puts TLS in front of a plain http:// upstream");
        }
        int c = concurrency != null ? concurrency : profile.concurrency;
        // hold keeps every stream open at once, so its stream count follows its concurrency
        int n = profile.hold ? (streams != null ? streams : c) : (streams != null ? streams : profile.streams);
        if (profile.hold) {
            if (c > Profile.MAX_HOLD || n > Profile.MAX_HOLD) {
                throw new IllegalArgumentException("hold supports at most " + Profile.MAX_HOLD + " streams");
            }
            c = Math.max(c, n);
        }
        return new HarnessOptions(profile, c, n, gatewayUrl, upstreamUrl, gatewayPid, out, nginx,
                limit != null ? limit : profile.defaultDurationLimitSeconds,
                rate != null ? rate : profile.connectsPerSecond, clientThreads, jar, warmupRounds, followUps,
                historyFlood, clients, tls, gatewayJfr, api, sharedState);
    }

    /** A comma-separated list of distinct values among {@code allowed}. */
    private static List<String> list(String value, List<String> allowed, String option) {
        List<String> values = java.util.Arrays.stream(value.split(",", -1)).map(String::strip)
                .map(v -> v.toLowerCase(Locale.ROOT)).toList();
        if (values.isEmpty() || !allowed.containsAll(values) || Set.copyOf(values).size() != values.size()) {
            throw new IllegalArgumentException(option + " takes " + String.join(", ", allowed)
                    + " or a comma-separated list of them, got " + value);
        }
        return values;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static int positive(String[] args, int i, String option) {
        String v = value(args, i, option);
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(option + " needs a positive integer, got " + v);
    }
}
