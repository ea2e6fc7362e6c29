package io.streamgate.bench;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The command line of {@link LoadHarness}, validated. See {@code bench/README.md} for what each option is for.
 *
 * @param gatewayUrl a running gateway to target instead of starting one; {@code null} starts one
 * @param upstreamUrl a running OpenAI-compatible upstream (e.g. {@code http://127.0.0.1:9000/v1}) instead of
 *     starting the simulator; {@code null} starts one
 * @param gatewayPid the pid of a running gateway (with {@code --gateway-url}) so its CPU and memory can be read
 */
public record HarnessOptions(Profile profile, int concurrency, int streams, String gatewayUrl, String upstreamUrl,
        long gatewayPid, Path out, boolean nginx, int durationLimitSeconds, int connectsPerSecond, int clientThreads,
        Path gatewayJar, int warmupRounds, boolean followUps, int historyFlood) {

    static final String USAGE = """
            usage: LoadHarness [--profile light|heavy|hold] [--concurrency N] [--streams N]
                               [--gateway-url URL [--gateway-pid PID]] [--upstream-url URL] [--out DIR] [--nginx]
                               [--duration-limit SECONDS] [--connect-rate PER_SECOND] [--client-threads N]
                               [--gateway-jar PATH] [--warmup-rounds N] [--follow-ups] [--history-flood N]""";

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
                case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (historyFlood > 0 && (profile.hold || gatewayUrl != null)) {
            throw new IllegalArgumentException("--history-flood starts its own gateway (with API keys) and needs "
                    + "the light or heavy profile");
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
                historyFlood);
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
