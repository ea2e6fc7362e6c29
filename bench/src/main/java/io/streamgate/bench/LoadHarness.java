package io.streamgate.bench;

import io.streamgate.bench.load.HistoryFlood;
import io.streamgate.bench.load.LoadClient;
import io.streamgate.bench.load.LoadPlan;
import io.streamgate.bench.load.LoadRun;
import io.streamgate.bench.load.StreamResult;
import io.streamgate.bench.load.Target;
import io.streamgate.bench.load.WireFormat;
import io.streamgate.bench.proc.JvmHeap;
import io.streamgate.bench.proc.MetricsScrape;
import io.streamgate.bench.proc.PeakSampler;
import io.streamgate.bench.proc.ProcStats;
import io.streamgate.bench.report.HoldResult;
import io.streamgate.bench.report.CacheFigures;
import io.streamgate.bench.report.HtmlReport;
import io.streamgate.bench.report.JsonReport;
import io.streamgate.bench.report.PassResult;
import io.streamgate.bench.report.ProcessFigures;
import io.streamgate.bench.report.RunReport;
import io.streamgate.bench.report.TextReport;
import io.streamgate.bench.servers.RunningServer;
import io.streamgate.bench.servers.Servers;
import io.streamgate.bench.servers.SharedState;
import io.streamgate.gateway.conversation.SqliteConversationStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The load harness: starts (or targets) a simulator, the gateway and optionally nginx, runs the same load
 * directly against the simulator, through nginx and through the gateway, and reports what the gateway adds
 * (latency, CPU, memory per stream). See {@code bench/README.md}.
 *
 * <p>Why direct first, in the same run: the simulator's pacing and the machine's noise are then identical for
 * every target, so "gateway minus direct" isolates the gateway's own share. Everything is bounded by
 * {@code --duration-limit}; a watchdog ends the JVM (and, through shutdown hooks, the children) if a pass
 * overruns it.
 */
public final class LoadHarness {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final int HOLD_WARMUP_STREAMS = 200;
    private static final int WARMUP_MIN_STREAMS = 200;

    private final HarnessOptions options;
    private final long deadline;
    private final String name;
    private final Path logDir;
    private final List<String> notes = new ArrayList<>();
    /** With {@code --shared-state}: the engines the shared-state gateways run on. */
    private SharedState sharedState;
    /** The processes serving the gateway's upstream: the simulator, and the TLS terminator in front of it. */
    private java.util.function.Supplier<List<Long>> upstreamPids = List::of;
    /** Questions asked so far per server (host, port and base path), so that new questions are new to it. */
    private final java.util.Map<String, Integer> asked = new java.util.HashMap<>();

    private LoadHarness(HarnessOptions options, long deadline) {
        this.options = options;
        this.deadline = deadline;
        this.name = options.profile().label() + (options.profile().hold ? "-" + options.streams() : "")
                + (options.api() != null ? "-" + options.api().label() : "");
        this.logDir = options.out().resolve("logs").resolve(name).toAbsolutePath();
    }

    public static void main(String[] args) {
        HarnessOptions options;
        try {
            options = HarnessOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        long limitNanos = TimeUnit.SECONDS.toNanos(options.durationLimitSeconds());
        startWatchdog(options.durationLimitSeconds() + 60L);
        int code;
        try {
            code = new LoadHarness(options, System.nanoTime() + limitNanos).run();
        } catch (Exception e) {
            System.err.println("load harness failed: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    /** Hard stop well after the passes' own deadline; exit runs the shutdown hooks that kill the children. */
    private static void startWatchdog(long seconds) {
        Thread.ofPlatform().daemon().name("watchdog").start(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                System.err.println("duration limit exceeded by 60 s: stopping");
                System.exit(3);
            } catch (InterruptedException ignored) {
                // JVM exiting
            }
        });
    }

    private int run() throws Exception {
        Files.createDirectories(logDir);
        if (options.tls() && !Files.isExecutable(Servers.NGINX)) {
            throw new IllegalStateException("--tls needs nginx to terminate TLS: " + Servers.NGINX + " not found");
        }
        Duration lifetime = Duration.ofSeconds(options.durationLimitSeconds() + 120L);
        List<RunningServer> gateways = new ArrayList<>();
        try (LoadClient client = new LoadClient(options.clientThreads());
                RunningServer sim = options.upstreamUrl() != null
                        ? RunningServer.external("simulator", options.upstreamUrl(), -1)
                        : Servers.simulator(options.profile(), options.effectiveFirstTokenMs(), logDir, lifetime);
                RunningServer tls = options.tls() ? Servers.tlsTerminator(sim.baseUrl(), tlsDir()) : null;
                SharedState state = options.sharedState().isEmpty() ? null : SharedState.start(options.sharedState())) {
            RunningServer upstream = tls != null ? tls : sim;
            upstreamPids = () -> tls == null ? sim.pids()
                    : java.util.stream.Stream.concat(sim.pids().stream(), tls.pids().stream()).toList();
            sharedState = state;
            startGateways(upstream.baseUrl(), gateways);
            try (RunningServer nginx = startNginxIfAsked(upstream)) {
                log("simulator " + sim.baseUrl() + (tls != null ? ", TLS " + tls.baseUrl() : "") + ", "
                        + String.join(", ", gateways.stream().map(g -> g.name() + " " + g.baseUrl()).toList())
                        + (nginx != null ? ", nginx " + nginx.baseUrl() : ""));
                RunReport report = options.profile().hold
                        ? hold(client, gateways.getFirst(), sim)
                        : options.historyFlood() > 0
                                ? historyFlood(client, gateways.getFirst(), sim)
                                : load(client, sim, gateways, nginx);
                noteSharedState(gateways);
                noteCacheTotals(gateways);
                write(report, environmentNote(client, tls));
                return report.passes().stream().allMatch(p -> p.errorCount() == 0) ? 0 : 4;
            }
        } finally {
            gateways.reversed().forEach(RunningServer::close);
        }
    }

    /**
     * The gateway to measure, or one per {@code --upstream-client} value (named {@code gateway-CLIENT}), each
     * twice with {@code --shared-state}: without shared state and on the engines ({@code gateway+redis}), or once per
     * {@code --cache} mode when several are given ({@code gateway} with it off, {@code gateway+cache-exact}); all read
     * {@code upstreamUrl} and run at once, each with its own log and data directory when there are several; added
     * to {@code into} as they start.
     */
    private void startGateways(String upstreamUrl, List<RunningServer> into) throws IOException {
        if (options.gatewayUrl() != null) {
            into.add(RunningServer.external("gateway", options.gatewayUrl(), options.gatewayPid()));
            return;
        }
        List<String> clients = options.upstreamClients().isEmpty() ? java.util.Collections.singletonList(null)
                : options.upstreamClients();
        List<SharedState> states = sharedState == null ? java.util.Collections.singletonList(null)
                : java.util.Arrays.asList(null, sharedState);
        // One mode applies to every gateway; several start one gateway per mode (options allow no other list then).
        List<String> caches = options.cacheModes().size() > 1 ? options.cacheModes()
                : java.util.Collections.singletonList(options.cacheModes().isEmpty() ? null : options.cacheModes().getFirst());
        boolean several = clients.size() * states.size() * caches.size() > 1;
        for (String upstreamClient : clients) {
            for (SharedState state : states) {
                for (String cache : caches) {
                    String passName = (clients.size() > 1 ? "gateway-" + upstreamClient : "gateway")
                            + (state != null ? state.suffix() : "")
                            + (caches.size() > 1 && !cache.equals("off") ? "+cache-" + cache : "");
                    startGateway(passName, upstreamUrl, upstreamClient, state, cache,
                            several ? logDir.resolve(passName) : logDir, into);
                }
            }
        }
    }

    /**
     * One gateway: {@code upstreamClient}, {@code state} and {@code cacheMode} set when not null, its log and data in
     * {@code dir}; added to {@code into} once started (so it is stopped at the end whatever happens next).
     */
    private void startGateway(String passName, String upstreamUrl, String upstreamClient, SharedState state,
            String cacheMode, Path dir, List<RunningServer> into) throws IOException {
        java.util.Map<String, String> env = new java.util.HashMap<>(prepareGateway());
        if (options.api() != null) {
            env.putAll(options.api().gatewayEnv);
        }
        if (upstreamClient != null) {
            env.put("STREAMGATE_UPSTREAM_CLIENT", upstreamClient);
        }
        if (options.tls()) {
            env.put("STREAMGATE_UPSTREAM_CA_FILE", Servers.certificate(tlsDir()).toString());
        }
        if (state != null) {
            env.putAll(state.gatewayEnv());
        }
        if (cacheMode != null) {
            env.put("STREAMGATE_CACHE", cacheMode);
        }
        Files.createDirectories(dir);
        into.add(Servers.gateway(options.gatewayJar(), upstreamUrl, dir, env, options.gatewayJfr()).named(passName));
        if (state == null || upstreamClient != null) {
            noteUpstreamClient(passName, upstreamClient, dir.resolve("gateway.log"));
        }
        if (state != null) {
            noteSharedSettings(passName, state, dir.resolve("gateway.log"));
        }
        if (cacheMode != null) {
            noteCacheMode(passName, cacheMode, dir.resolve("gateway.log"));
        }
    }

    /** Names the cache mode a gateway was started with, and warns when the gateway did not know the setting. */
    private void noteCacheMode(String passName, String mode, Path gatewayLog) throws IOException {
        notes.add(passName + ": answer cache " + mode + " (STREAMGATE_CACHE=" + mode + ")");
        if (Files.readAllLines(gatewayLog).stream()
                .anyMatch(l -> l.contains("STREAMGATE_CACHE") && l.contains("is not a setting"))) {
            notes.add(passName + ": WARNING this gateway does not know STREAMGATE_CACHE (it said so at start) and ran "
                    + "without a cache");
        }
    }

    /**
     * The cache's totals over the whole run (warm-up included) as each gateway's /metrics gives them at the end: its
     * lookups by result, the lookup latency's count and mean, and its size.
     */
    private void noteCacheTotals(List<RunningServer> gateways) {
        for (RunningServer gateway : gateways) {
            MetricsScrape end = MetricsScrape.of(gateway.metricsUrl());
            CacheFigures total = CacheFigures.between(MetricsScrape.NONE, end);
            if (!total.known()) {
                continue;
            }
            StringBuilder note = new StringBuilder(gateway.name() + ": answer cache at the end of the run (warm-up "
                    + "included):");
            total.lookups().forEach((result, n) -> note.append(String.format(java.util.Locale.ROOT, " %s %.0f,",
                    result, n)));
            note.append(String.format(java.util.Locale.ROOT, " lookup latency count %.0f, mean %.4f ms;", total.count(),
                    total.meanMs()));
            for (String kind : List.of("exact", "semantic")) {
                note.append(String.format(java.util.Locale.ROOT, " %s entries %.0f, %.0f bytes;", kind,
                        end.samples().getOrDefault("cache_entries{kind=\"" + kind + "\"}", Double.NaN),
                        end.samples().getOrDefault("cache_bytes{kind=\"" + kind + "\"}", Double.NaN)));
            }
            notes.add(note.toString());
        }
    }

    /**
     * Names the engines a shared-state gateway was started on, and warns when the gateway did not know one of their
     * settings (it says so at start and runs without it: its pass would then measure nothing shared).
     */
    private void noteSharedSettings(String passName, SharedState state, Path gatewayLog) throws IOException {
        notes.add(passName + ": shared state on " + state.describe() + ", started by the harness; gateway env "
                + state.gatewayEnv().keySet().stream().sorted().toList());
        List<String> log = Files.readAllLines(gatewayLog);
        for (String setting : state.gatewayEnv().keySet()) {
            if (log.stream().anyMatch(l -> l.contains(setting) && l.contains("is not a setting"))) {
                notes.add(passName + ": WARNING this gateway does not know " + setting + " (it said so at start) and "
                        + "ran without it");
            }
        }
    }

    /** Whether each shared-state gateway still had Redis at the end of the run ({@code streaming_redis_up}). */
    private void noteSharedState(List<RunningServer> gateways) {
        for (RunningServer gateway : gateways) {
            if (sharedState != null && RunReport.withoutVariant(gateway.name()).isPresent() && sharedState.gatewayEnv()
                    .containsKey("STREAMGATE_REDIS_URL")) {
                MetricsScrape scrape = MetricsScrape.of(gateway.metricsUrl());
                double up = scrape.sum("streaming_redis_up");
                notes.add(gateway.name() + ": streaming_redis_up " + (scrape.samples().containsKey("streaming_redis_up")
                        ? (up == 1 ? "1 at the end of the run" : up + " at the end of the run: WARNING Redis was not in use")
                        : "NOT EXPORTED"));
            }
        }
    }

    /**
     * Says which upstream client the gateway pass asked for, and whether the gateway knew the setting: one that
     * does not warns at start and runs the only transport it has.
     */
    private void noteUpstreamClient(String passName, String upstreamClient, Path gatewayLog) throws IOException {
        String asked = System.getenv("STREAMGATE_UPSTREAM_CLIENT");
        if (upstreamClient == null) {
            notes.add(passName + ": upstream client " + (asked != null
                    ? "asked for through the environment, STREAMGATE_UPSTREAM_CLIENT=" + asked
                    : "not asked for: the gateway's default (STREAMGATE_UPSTREAM_CLIENT not set)"));
        } else {
            notes.add(passName + ": upstream client asked for: " + upstreamClient + " (STREAMGATE_UPSTREAM_CLIENT="
                    + upstreamClient + ")");
        }
        if (upstreamClient != null || asked != null) {
            boolean unknown = Files.readAllLines(gatewayLog).stream()
                    .anyMatch(l -> l.contains("STREAMGATE_UPSTREAM_CLIENT") && l.contains("is not a setting"));
            if (unknown) {
                notes.add(passName + ": WARNING this gateway does not know STREAMGATE_UPSTREAM_CLIENT (it said so at "
                        + "start) and ran its only upstream client, OkHttp");
            }
        }
    }

    private Path tlsDir() {
        return logDir.resolve("tls");
    }

    private RunningServer startNginxIfAsked(RunningServer upstream) {
        if (!options.nginx()) {
            return null;
        }
        if (!Files.isExecutable(Servers.NGINX)) {
            log("--nginx: " + Servers.NGINX + " not installed, skipping the nginx baseline");
            return null;
        }
        return Servers.nginx(upstream.baseUrl(), logDir.resolve("nginx"),
                options.tls() ? Servers.certificate(tlsDir()) : null);
    }

    // ---- light and heavy: the same load against each target, one after the other ----

    private RunReport load(LoadClient client, RunningServer sim, List<RunningServer> gateways, RunningServer nginx)
            throws InterruptedException {
        record Leg(Target target, RunningServer server, RunningServer upstream, java.util.function.Supplier<List<Long>> state) { }
        List<Leg> legs = new ArrayList<>();
        legs.add(new Leg(Target.of("direct", sim.baseUrl(), upstreamFormat()), sim, null, List::of));
        if (nginx != null) {
            legs.add(new Leg(Target.of("nginx", nginx.baseUrl(), upstreamFormat()), nginx, sim, List::of));
        }
        for (RunningServer gateway : gateways) {
            boolean shared = sharedState != null && RunReport.withoutVariant(gateway.name()).isPresent();
            legs.add(new Leg(gatewayTarget(gateway.name(), gateway), gateway, sim,
                    shared ? sharedState::pids : List::of));
        }
        // Warm every process (simulator, client, proxies) before measuring any, so "direct" is not the cold one.
        // More rounds let the JIT finish the per-request paths too, not only the per-token ones.
        for (int round = 0; round < options.warmupRounds(); round++) {
            for (Leg leg : legs) {
                warmUp(client, leg.target());
            }
        }
        List<PassResult> passes = new ArrayList<>();
        for (Leg leg : legs) {
            passes.add(measure(client, leg.target(), leg.server(), leg.upstream(), leg.state().get()));
        }
        return report(passes, Optional.empty());
    }

    /**
     * Runs at least {@value #WARMUP_MIN_STREAMS} streams (or one full wave, if larger; never more than the pass)
     * and discards them: JIT, connection pools and buffer arenas are then paid before measuring.
     */
    private void warmUp(LoadClient client, Target target) throws InterruptedException {
        int warm = Math.min(options.streams(), Math.max(options.concurrency(), WARMUP_MIN_STREAMS));
        List<StreamResult> results = client.start(target, plan(target, warm, false)).awaitDone();
        log(target.name() + ": warm-up " + warm + " streams, " + results.stream().filter(r -> !r.ok()).count()
                + " errors");
    }

    private PassResult measure(LoadClient client, Target target, RunningServer server, RunningServer upstream)
            throws InterruptedException {
        return measure(client, target, server, upstream, List.of());
    }

    /**
     * The measured pass, with the server's CPU and RSS around it, and the CPU of {@code statePids} (the engines a
     * shared-state gateway uses; empty for none).
     */
    private PassResult measure(LoadClient client, Target target, RunningServer server, RunningServer upstream,
            List<Long> statePids) throws InterruptedException {
        ProcessSnapshot before = ProcessSnapshot.take(server, upstream == null ? List.of() : upstreamPids.get(),
                statePids);
        MetricsScrape metricsBefore = MetricsScrape.of(server.metricsUrl());
        long t0 = System.nanoTime();
        try (PeakSampler peak = new PeakSampler(server::pids, remainingMillis())) {
            List<StreamResult> results = client.start(target, plan(target, options.streams(), false)).awaitDone();
            MetricsScrape metricsAfter = MetricsScrape.of(server.metricsUrl());
            noteGatewayMetrics(target.name(), metricsBefore, metricsAfter);
            PassResult pass = PassResult.of(target.name(), results, (System.nanoTime() - t0) / 1e9,
                    before.serverFigures(server, peak.peakKb()), before.upstreamFigures(), before.stateFigures(),
                    before.clientCpuSince(), before.machineCpuSince())
                    .withCache(CacheFigures.between(metricsBefore, metricsAfter));
            log(target.name() + ": " + pass.ok() + " ok, " + pass.errorCount() + " errors " + pass.errors());
            return pass;
        }
    }

    /** Keeps the gateway's own latency view of the pass (histogram means) and the raw scrape, when available. */
    private void noteGatewayMetrics(String pass, MetricsScrape before, MetricsScrape after) {
        if (after == MetricsScrape.NONE) {
            return;
        }
        StringBuilder note = new StringBuilder(pass + ": the gateway's own metrics over the measured pass (means):");
        if (options.api() != null) {
            note.append(" none: the streaming_* latency histograms are the conversation API's; the drop-in endpoint"
                    + " does not record them");
        }
        for (String h : options.api() != null ? List.<String>of() : MetricsScrape.HISTOGRAMS) {
            String name = h.replace("streaming_", "");
            note.append(after.exports(h)
                    ? String.format(java.util.Locale.ROOT, " %s %.3f ms;", name, after.meanSince(before, h))
                    : " " + name + " NOT EXPORTED;");
        }
        notes.add(note.toString());
        try {
            Files.writeString(logDir.resolve(pass + "-metrics.txt"), after.text());
        } catch (IOException e) {
            log("could not save the metrics scrape: " + e);
        }
    }

    // ---- history flood: does one tenant's history loop delay another's stream starts? ----

    private static final String FLOOD_KEY = "bench-flood-key";
    private static final String STREAM_KEY = "bench-stream-key";
    private static final String FLOODED_CONVERSATION = "bench-flooded-history";
    private static final int FLOODED_MESSAGES = 500; // the largest page: each flood read returns all of them
    private static final String FLOODED_TEXT = "a stored message of the flooded history, ".repeat(5);

    /**
     * With {@code --history-flood}, the gateway knows two tenants, the flooder and the measured one, and its store
     * already holds the flooder's conversation; returns the environment the gateway needs for that.
     */
    private java.util.Map<String, String> prepareGateway() {
        if (options.historyFlood() == 0) {
            return java.util.Map.of();
        }
        try (SqliteConversationStore store = SqliteConversationStore.open(Servers.gatewayDataDir(logDir))) {
            store.claim(FLOODED_CONVERSATION, "flooder");
            int stored = store.page(FLOODED_CONVERSATION, Long.MAX_VALUE, FLOODED_MESSAGES)
                    .map(p -> p.conversation().messages().size()).orElse(0);
            for (int i = stored; i < FLOODED_MESSAGES; i++) {
                store.appendUser(FLOODED_CONVERSATION, "flooder", FLOODED_TEXT + i);
            }
        }
        return java.util.Map.of("STREAMGATE_API_KEYS", "flooder:" + FLOOD_KEY + ",streams:" + STREAM_KEY);
    }

    /**
     * Tenant "streams" runs the profile's load twice through the gateway: quiet, then while tenant "flooder"
     * loops on reads of the newest {@value #FLOODED_MESSAGES} messages of its own conversation over
     * {@code --history-flood} connections. The time to headers and to first content of the second pass, against
     * the first, is what the flood costs the other tenant.
     */
    private RunReport historyFlood(LoadClient client, RunningServer gateway, RunningServer sim) throws Exception {
        Target streams = Target.of("gateway", gateway.baseUrl(), WireFormat.GATEWAY_EVENTS).as("quiet", STREAM_KEY);
        for (int round = 0; round < options.warmupRounds(); round++) {
            warmUp(client, streams);
        }
        List<PassResult> passes = new ArrayList<>();
        passes.add(measure(client, streams, gateway, sim));
        HistoryFlood flood = client.flood(streams.as("flooder", FLOOD_KEY), FLOODED_CONVERSATION, FLOODED_MESSAGES,
                options.historyFlood());
        try {
            settle(); // the flood at full speed before the measured streams start
            passes.add(measure(client, streams.as("flooded", STREAM_KEY), gateway, sim));
        } finally {
            flood.close();
        }
        notes.add("history flood by another tenant over " + options.historyFlood() + " connections, pages of "
                + FLOODED_MESSAGES + " messages, during the flooded pass: " + flood.summary());
        return report(passes, Optional.empty());
    }

    // ---- hold: N open at once, memory measured while they are ----

    private RunReport hold(LoadClient client, RunningServer gateway, RunningServer sim) throws InterruptedException {
        Target direct = Target.of("direct", sim.baseUrl(), upstreamFormat());
        holdAndRelease(client, direct, Math.min(HOLD_WARMUP_STREAMS, options.streams()));
        ProcessSnapshot directBefore = ProcessSnapshot.take(sim, List.of());
        long d0 = System.nanoTime();
        List<StreamResult> directResults = holdAndRelease(client, direct, options.streams());
        PassResult directPass = PassResult.of("direct", directResults, (System.nanoTime() - d0) / 1e9,
                directBefore.serverFigures(sim, -1), ProcessFigures.UNKNOWN, directBefore.clientCpuSince(),
                directBefore.machineCpuSince());
        log("hold direct: " + directPass.ok() + " ok, " + directPass.errorCount() + " errors " + directPass.errors());

        Target target = gatewayTarget("gateway", gateway);
        // Warm-up rounds at full scale: the JIT compiles the per-stream paths only after thousands of streams, and
        // the code cache and compiler memory it then takes is paid once per process, not per stream.
        for (int round = 0; round < options.warmupRounds(); round++) {
            holdAndRelease(client, target, options.streams());
            log("gateway: hold warm-up round " + (round + 1) + " of " + options.warmupRounds());
        }
        settle();
        long pid = gateway.pids().isEmpty() ? -1 : gateway.pids().getFirst();
        // The full GC first: an idle RSS that still held the warm-up's garbage would hide growth the streams cause,
        // since that GC gives the garbage's pages back before they open. (It gives back free heap regions too, which
        // the young generation may touch again as the streams open; that counts as their growth.)
        long heapIdle = pid > 0 ? JvmHeap.liveHeapKb(pid) : -1;
        settle();
        long rssIdle = gateway.measurable() ? ProcStats.rssKb(gateway.pids()) : -1;

        ProcessSnapshot before = ProcessSnapshot.take(gateway, upstreamPids.get());
        MetricsScrape metricsBefore = MetricsScrape.of(gateway.metricsUrl());
        long t0 = System.nanoTime();
        try (PeakSampler peak = new PeakSampler(gateway::pids, remainingMillis())) {
            LoadRun run = client.start(target, plan(target, options.streams(), true));
            int open = run.awaitOpened(deadline);
            double openSeconds = (System.nanoTime() - t0) / 1e9;
            log("hold: " + open + " of " + options.streams() + " open after " + String.format("%.1f", openSeconds) + " s");
            settle();
            long rssOpen = gateway.measurable() ? ProcStats.rssKb(gateway.pids()) : -1;
            int fds = pid > 0 ? ProcStats.openFds(pid) : -1;
            long heapOpen = pid > 0 ? JvmHeap.liveHeapKb(pid) : -1;
            long rssOpenAfterGc = -1;
            if (heapOpen >= 0 && gateway.measurable()) {
                settle(); // as for the idle figure: the GC's own scratch memory is given back (native heap trimming)
                rssOpenAfterGc = ProcStats.rssKb(gateway.pids());
            }
            run.closeAll();
            List<StreamResult> results = run.awaitDone();
            noteGatewayMetrics(target.name(), metricsBefore, MetricsScrape.of(gateway.metricsUrl()));
            PassResult pass = PassResult.of("gateway", results, (System.nanoTime() - t0) / 1e9,
                    before.serverFigures(gateway, peak.peakKb()), before.upstreamFigures(), before.clientCpuSince(),
                    before.machineCpuSince());
            settle();
            settle();
            long heapAfter = pid > 0 ? JvmHeap.liveHeapKb(pid) : -1;
            long rssAfter = gateway.measurable() ? ProcStats.rssKb(gateway.pids()) : -1;
            HoldResult hold = new HoldResult(options.streams(), open, rssIdle, rssOpen, rssOpenAfterGc, rssAfter, heapIdle, heapOpen,
                    heapAfter, fds, openSeconds);
            return report(List.of(directPass, pass), Optional.of(hold));
        }
    }

    /** Opens {@code streams} in hold mode, waits until all have content (bounded), then closes them all. */
    private List<StreamResult> holdAndRelease(LoadClient client, Target target, int streams)
            throws InterruptedException {
        LoadRun run = client.start(target, plan(target, streams, true));
        run.awaitOpened(deadline);
        run.closeAll();
        return run.awaitDone();
    }

    // ---- helpers ----

    /** What direct and nginx speak to the simulator: OpenAI's dialect, or {@code --api}'s. */
    private WireFormat upstreamFormat() {
        return options.api() != null ? options.api().format : WireFormat.OPENAI_CHUNKS;
    }

    /** The gateway's conversation API, or with {@code --api} its drop-in endpoint in that dialect. */
    private Target gatewayTarget(String passName, RunningServer gateway) {
        return options.api() != null
                ? Target.of(passName, gateway.baseUrl() + DropInApi.GATEWAY_BASE_PATH, options.api().format)
                : Target.of(passName, gateway.baseUrl(), WireFormat.GATEWAY_EVENTS);
    }

    private LoadPlan plan(Target target, int streams, boolean hold) {
        return new LoadPlan(streams, hold ? streams : options.concurrency(), options.connectsPerSecond(), hold,
                READ_TIMEOUT, deadline, options.followUps() && !hold, questions(target, streams));
    }

    /**
     * What the streams of a pass against {@code target} ask: with {@code --cache-hits} the same few questions every
     * pass; otherwise questions this server has not been asked before in the run (counted per server, so the passes
     * of two tenants on one gateway do not repeat each other's).
     */
    private java.util.function.IntFunction<String> questions(Target target, int streams) {
        if (options.cacheHits()) {
            return HarnessOptions.QUESTIONS.repeating(HarnessOptions.HIT_QUESTIONS);
        }
        int offset = asked.merge(target.hostHeader() + target.basePath(), streams, Integer::sum) - streams;
        return HarnessOptions.QUESTIONS.freshFrom(offset);
    }

    private long remainingMillis() {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1_000);
    }

    private RunReport report(List<PassResult> passes, Optional<HoldResult> hold) {
        return new RunReport(name, options.profile().label(), options.concurrency(), options.streams(), passes, hold,
                new ArrayList<>());
    }

    private List<String> environmentNote(LoadClient client, RunningServer tls) {
        Profile p = options.profile();
        List<String> env = new ArrayList<>();
        env.add(String.format("simulator pacing: first token after %d ms%s, %d tokens %d ms apart",
                options.effectiveFirstTokenMs(), options.firstTokenMs() >= 0 ? " (--first-token-ms)" : "", p.tokens,
                p.tokenIntervalMs));
        env.add(options.cacheHits()
                ? "questions: --cache-hits, every stream asks one of the same " + HarnessOptions.HIT_QUESTIONS
                        + " questions, in a new conversation: once the warm-up has asked them, a cache answers them all"
                : "questions: every stream asks a question its target has not been asked in this run (a list of "
                        + HarnessOptions.QUESTIONS.size() + " short questions on different topics; past them, the list "
                        + "again with a round number appended)");
        if (options.followUps()) {
            env.add("follow-ups: each measured stream continues a conversation of the warm-up rounds, with its history");
        }
        if (options.api() != null) {
            env.add("api: " + options.api().label() + " everywhere: direct and nginx post to the simulator's "
                    + options.api().format.path("") + ", the gateway to its drop-in " + DropInApi.GATEWAY_BASE_PATH
                    + options.api().format.path("") + ", relayed to the simulator in the same dialect (pass-through)"
                    + (options.api().gatewayEnv.isEmpty() ? "" : "; gateway started with " + options.api().gatewayEnv));
        }
        if (tls != null) {
            env.add("TLS: the gateway reads " + tls.baseUrl() + ", nginx terminating TLS (self-signed P-256 "
                    + "certificate made at start, trusted through STREAMGATE_UPSTREAM_CA_FILE) in front of the simulator"
                    + (options.nginx() ? "; the nginx baseline proxies to the same TLS endpoint, verifying it, over "
                            + "kept-alive connections" : ""));
            env.add("TLS: direct stays plain HTTP to the simulator (the load client speaks no TLS), so '- direct' "
                    + "includes the TLS hop's own latency; "
                    + (options.nginx() ? "'gateway - nginx' is like for like (both read the provider over TLS); " : "")
                    + "upstream cpu is the simulator's plus the TLS terminator's");
        }
        env.add(Runtime.getRuntime().availableProcessors() + " cores shared by client, simulator, gateway"
                + (tls != null ? ", TLS terminator" : "") + (options.nginx() ? " and nginx" : "") + "; client: " + client.transportName() + ", "
                + options.clientThreads() + " thread(s), " + options.connectsPerSecond() + " connects/s max");
        System.getenv().entrySet().stream().filter(e -> e.getKey().startsWith("STREAMGATE_")).sorted(
                java.util.Map.Entry.comparingByKey()).forEach(e -> env.add("gateway env " + e.getKey() + "=" + e.getValue()));
        env.add("java " + Runtime.version() + "; logs in " + logDir);
        env.addAll(notes);
        return env;
    }

    private void write(RunReport bare, List<String> environment) throws IOException {
        RunReport r = new RunReport(bare.name(), bare.profile(), bare.concurrency(), bare.streams(), bare.passes(),
                bare.hold(), environment);
        String text = TextReport.render(r);
        System.out.println(text);
        Files.writeString(options.out().resolve(name + ".txt"), text);
        Files.writeString(options.out().resolve(name + ".json"), JsonReport.render(r));
        Files.writeString(options.out().resolve(name + ".html"), HtmlReport.render(r));
        log("wrote " + options.out().resolve(name + ".{txt,json,html}"));
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(SETTLE.toMillis());
    }

    private static void log(String message) {
        System.err.println("[bench] " + message);
    }

    /** CPU readings taken before a pass, turned into per-pass figures after it. */
    private record ProcessSnapshot(double serverCpu, long serverRss, List<Long> upstreamPids, double upstreamCpu,
            List<Long> statePids, double stateCpu, double clientCpu, double machineCpu) {

        private static final List<Long> SELF = List.of(ProcessHandle.current().pid());

        /** @param upstreamPids the processes serving {@code server}'s upstream; empty for none or unknown */
        static ProcessSnapshot take(RunningServer server, List<Long> upstreamPids) {
            return take(server, upstreamPids, List.of());
        }

        /** @param statePids the shared-state engines' processes; empty for none */
        static ProcessSnapshot take(RunningServer server, List<Long> upstreamPids, List<Long> statePids) {
            return new ProcessSnapshot(
                    server.measurable() ? ProcStats.cpuSeconds(server.pids()) : Double.NaN,
                    server.measurable() ? ProcStats.rssKb(server.pids()) : -1,
                    upstreamPids,
                    upstreamPids.isEmpty() ? Double.NaN : ProcStats.cpuSeconds(upstreamPids),
                    statePids,
                    statePids.isEmpty() ? Double.NaN : ProcStats.cpuSeconds(statePids),
                    ProcStats.cpuSeconds(SELF), ProcStats.machineBusySeconds());
        }

        ProcessFigures stateFigures() {
            if (Double.isNaN(stateCpu)) {
                return ProcessFigures.UNKNOWN;
            }
            return new ProcessFigures(ProcStats.cpuSeconds(statePids) - stateCpu, ProcStats.rssKb(statePids), -1);
        }

        double machineCpuSince() {
            return ProcStats.machineBusySeconds() - machineCpu;
        }

        double clientCpuSince() {
            return ProcStats.cpuSeconds(SELF) - clientCpu;
        }

        ProcessFigures serverFigures(RunningServer server, long peakKb) {
            if (Double.isNaN(serverCpu)) {
                return ProcessFigures.UNKNOWN;
            }
            return new ProcessFigures(ProcStats.cpuSeconds(server.pids()) - serverCpu, serverRss, peakKb);
        }

        ProcessFigures upstreamFigures() {
            if (Double.isNaN(upstreamCpu)) {
                return ProcessFigures.UNKNOWN;
            }
            return new ProcessFigures(ProcStats.cpuSeconds(upstreamPids) - upstreamCpu, -1, -1);
        }
    }
}
