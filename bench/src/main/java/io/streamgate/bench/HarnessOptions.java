package io.streamgate.bench;

import io.streamgate.bench.load.Questions;
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
 * @param cacheModes the {@code STREAMGATE_CACHE} of the gateways to start: one value applies to every gateway; several
 *     start one gateway per mode, measured side by side; empty: not set (the environment's, or the gateway's default)
 * @param cacheHits every stream asks one of {@value #HIT_QUESTIONS} questions, so once a warm-up round has asked them
 *     all, an answer cache answers every measured stream; otherwise every stream asks a question its target has not
 *     been asked before
 * @param firstTokenMs the started simulator's first-token delay instead of the profile's; -1: the profile's
 */
public record HarnessOptions(Profile profile, int concurrency, int streams, String gatewayUrl, String upstreamUrl,
        long gatewayPid, Path out, boolean nginx, int durationLimitSeconds, int connectsPerSecond, int clientThreads,
        Path gatewayJar, int warmupRounds, boolean followUps, int historyFlood, List<String> upstreamClients,
        boolean tls, boolean gatewayJfr, DropInApi api, List<String> sharedState, List<String> cacheModes,
        boolean cacheHits, long firstTokenMs) {

    /** The values {@code STREAMGATE_UPSTREAM_CLIENT} takes. */
    static final List<String> UPSTREAM_CLIENTS = List.of("okhttp", "netty");

    /** The values {@code --shared-state} takes: the engines the harness starts for the shared-state pass. */
    static final List<String> SHARED_STATE_ENGINES = List.of("redis", "postgres");

    /** The values {@code STREAMGATE_CACHE} takes. */
    static final List<String> CACHE_MODES = List.of("off", "exact", "semantic");

    /** How many different questions {@code --cache-hits} asks: a few popular ones. */
    public static final int HIT_QUESTIONS = 10;

    /** The questions the load asks ({@link Questions#bundled()}). */
    public static final Questions QUESTIONS = Questions.bundled();

    static final String USAGE = """
            usage: LoadHarness [--profile light|heavy|hold] [--concurrency N] [--streams N]
                               [--gateway-url URL [--gateway-pid PID]] [--upstream-url URL] [--out DIR] [--nginx]
                               [--duration-limit SECONDS] [--connect-rate PER_SECOND] [--client-threads N]
                               [--gateway-jar PATH] [--warmup-rounds N] [--follow-ups] [--history-flood N]
                               [--upstream-client okhttp|netty|okhttp,netty] [--tls] [--gateway-jfr]
                               [--api openai|anthropic] [--shared-state redis|postgres|redis,postgres]
                               [--cache off|exact|semantic|LIST] [--cache-hits] [--first-token-ms N]""";

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
        List<String> cacheModes = List.of();
        boolean cacheHits = false;
        long firstTokenMs = -1;
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
                case "--cache" -> cacheModes = list(value(args, ++i, a), CACHE_MODES, a);
                case "--cache-hits" -> cacheHits = true;
                case "--first-token-ms" -> firstTokenMs = nonNegative(args, ++i, a);
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
        if (!cacheModes.isEmpty() && gatewayUrl != null) {
            throw new IllegalArgumentException("--cache configures a gateway the harness starts; not with --gateway-url");
        }
        if (cacheModes.size() > 1 && (profile.hold || historyFlood > 0 || clients.size() > 1 || !sharedState.isEmpty())) {
            throw new IllegalArgumentException("several --cache modes start one gateway per mode side by side: they need "
                    + "the light or heavy profile, one upstream client, and no --history-flood or --shared-state");
        }
        if (cacheHits && (profile.hold || followUps)) {
            throw new IllegalArgumentException("--cache-hits repeats questions in new conversations: not with hold or "
                    + "--follow-ups (a follow-up's history makes every question new)");
        }
        if (firstTokenMs >= 0 && upstreamUrl != null) {
            throw new IllegalArgumentException("--first-token-ms paces the simulator the harness starts; not with "
                    + "--upstream-url");
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
        int asked = n * (warmupRounds + 1);
        if (cacheModes.contains("semantic") && !cacheHits && asked > QUESTIONS.size()) {
            throw new IllegalArgumentException("--cache semantic without --cache-hits asks every stream a new question: "
                    + n + " streams x " + (warmupRounds + 1) + " rounds need " + asked + " different questions, and "
                    + "there are " + QUESTIONS.size() + " (past them a question comes back as a paraphrase, a semantic "
                    + "hit); use --streams " + QUESTIONS.size() / (warmupRounds + 1) + " or fewer");
        }
        if (profile.hold) {
            if (c > Profile.MAX_HOLD || n > Profile.MAX_HOLD) {
                throw new IllegalArgumentException("hold supports at most " + Profile.MAX_HOLD + " streams");
            }
            c = Math.max(c, n);
        }
        return new HarnessOptions(profile, c, n, gatewayUrl, upstreamUrl, gatewayPid, out, nginx,
                limit != null ? limit : profile.defaultDurationLimitSeconds,
                rate != null ? rate : profile.connectsPerSecond, clientThreads, jar, warmupRounds, followUps,
                historyFlood, clients, tls, gatewayJfr, api, sharedState, cacheModes, cacheHits, firstTokenMs);
    }

    /** The simulator's first-token delay: {@code --first-token-ms}, or the profile's. */
    public long effectiveFirstTokenMs() {
        return firstTokenMs >= 0 ? firstTokenMs : profile.firstTokenDelayMs;
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

    private static int nonNegative(String[] args, int i, String option) {
        String v = value(args, i, option);
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(option + " needs a non-negative integer, got " + v);
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
