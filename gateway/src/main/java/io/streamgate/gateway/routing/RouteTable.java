package io.streamgate.gateway.routing;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.resilience.ResilientProvider;
import io.streamgate.llm.resilience.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;

/**
 * The {@link ModelRouter}: routes from model names, aliases and globs to deployments, checked once when built.
 *
 * <p>A model resolves to the route of its exact name or alias, else the first route (in the order given) whose glob
 * matches, else to nothing. Among a route's healthy deployments (breaker letting calls through, not cooling down)
 * the first choice is the one with the fewest outstanding streams per unit of weight; deployments that tie (all idle,
 * say) are drawn at random in proportion to their weights. So at rest the traffic splits by weight, and under load
 * each deployment's outstanding streams stay in proportion to its weight.
 *
 * <p>Immutable after {@link #build}; the deployments' counters are atomics. Reads memory only.
 */
public final class RouteTable implements ModelRouter {

    /**
     * How the table treats its deployments.
     *
     * @param retry the chain's retries ({@link #provider})
     * @param breakerThreshold consecutive failures that open a deployment's breaker
     * @param breakerOpen how long an open breaker keeps its deployment out
     * @param defaultCoolDown a 429 or 529 without {@code Retry-After} takes its deployment out for this long
     * @param maxCoolDown the longest cool-down, whatever {@code Retry-After} says
     * @param clock nanoseconds, for cool-downs ({@link System#nanoTime} outside tests)
     * @param random {@code bound -> [0, bound)}, for the weighted draw among equally loaded deployments
     */
    public record Settings(
            RetryPolicy retry,
            int breakerThreshold,
            Duration breakerOpen,
            Duration defaultCoolDown,
            Duration maxCoolDown,
            LongSupplier clock,
            IntUnaryOperator random) {

        public static final Duration DEFAULT_COOL_DOWN = Duration.ofSeconds(5);
        public static final Duration MAX_COOL_DOWN = Duration.ofSeconds(60);

        public Settings {
            requireNonNull(retry, "retry");
            requireNonNull(breakerOpen, "breakerOpen");
            requireNonNull(defaultCoolDown, "defaultCoolDown");
            requireNonNull(maxCoolDown, "maxCoolDown");
            requireNonNull(clock, "clock");
            requireNonNull(random, "random");
        }

        /** The production clock and randomness, and the default cool-downs. */
        public static Settings of(RetryPolicy retry, int breakerThreshold, Duration breakerOpen) {
            return new Settings(retry, breakerThreshold, breakerOpen, DEFAULT_COOL_DOWN, MAX_COOL_DOWN,
                    System::nanoTime, bound -> ThreadLocalRandom.current().nextInt(bound));
        }
    }

    /** One route, its fallbacks resolved. */
    private static final class Route {
        final RouteSpec spec;
        final List<RoutedDeployment> deployments;
        final List<Route> fallbacks = new ArrayList<>();

        Route(RouteSpec spec, List<RoutedDeployment> deployments) {
            this.spec = spec;
            this.deployments = List.copyOf(deployments);
        }
    }

    private final Map<String, Route> exact;
    private final List<Route> globs;
    private final Route defaultRoute;
    private final List<String> models;
    private final List<RoutedDeployment> deployments;
    private final Settings settings;

    private RouteTable(Map<String, Route> exact, List<Route> globs, Route defaultRoute, List<String> models,
            List<RoutedDeployment> deployments, Settings settings) {
        this.exact = exact;
        this.globs = globs;
        this.defaultRoute = defaultRoute;
        this.models = models;
        this.deployments = deployments;
        this.settings = settings;
    }

    /**
     * Builds and checks a table: every name routed once, every fallback names a route, no fallback cycle, and each
     * deployment's adapter made.
     *
     * @param defaultModel the model (exact name or alias) a request without one gets; {@code null}: the first route
     * @throws IllegalArgumentException naming the first problem found
     */
    public static RouteTable build(
            List<RouteSpec> specs, String defaultModel, AdapterFactory adapters, Settings settings) {
        requireNonNull(adapters, "adapters");
        requireNonNull(settings, "settings");
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no routes");
        }
        Map<String, Route> exact = new HashMap<>();
        List<Route> globs = new ArrayList<>();
        Map<RouteSpec, Route> bySpec = new IdentityHashMap<>();
        Set<String> models = new LinkedHashSet<>();
        List<RoutedDeployment> all = new ArrayList<>();
        List<Route> inOrder = new ArrayList<>();
        for (RouteSpec spec : specs) {
            List<RoutedDeployment> ds = new ArrayList<>();
            for (DeploymentSpec given : spec.deployments()) {
                // An exact route's deployment sends the route's name unless told otherwise, so an alias goes out as it.
                DeploymentSpec d = spec.isGlob() ? given : given.withDefaultModel(spec.model());
                AdapterFactory.Adapter adapter;
                try {
                    adapter = adapters.create(d);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("deployment '" + d.name() + "': " + e.getMessage(), e);
                }
                RoutedDeployment routed = new RoutedDeployment(d, spec.label(), adapter, settings);
                ds.add(routed);
                all.add(routed);
            }
            Route route = new Route(spec, ds);
            bySpec.put(spec, route);
            inOrder.add(route);
            if (spec.isGlob()) {
                globs.add(route);
            } else {
                name(exact, spec.model(), route);
                models.add(spec.model());
            }
            for (String alias : spec.aliases()) {
                if (Glob.isGlob(alias)) {
                    throw new IllegalArgumentException("alias '" + alias + "' of " + spec.model()
                            + " is a glob; an alias is one name");
                }
                name(exact, alias, route);
                models.add(alias);
            }
        }
        for (Route route : inOrder) {
            for (String fallback : route.spec.fallbacks()) {
                Route target = exact.get(fallback);
                if (target == null) {
                    throw new IllegalArgumentException("route '" + route.spec.model() + "': fallback '" + fallback
                            + "' names no route (a fallback is an exact model name or alias)");
                }
                if (target == route) {
                    throw new IllegalArgumentException("route '" + route.spec.model() + "' falls back to itself");
                }
                route.fallbacks.add(target);
            }
        }
        checkAcyclic(inOrder);
        Route defaultRoute = inOrder.getFirst();
        if (defaultModel != null) {
            defaultRoute = exact.get(defaultModel);
            if (defaultRoute == null) {
                throw new IllegalArgumentException("default_model '" + defaultModel + "' names no route");
            }
        }
        return new RouteTable(Map.copyOf(exact), List.copyOf(globs), defaultRoute, List.copyOf(models),
                List.copyOf(all), settings);
    }

    private static void name(Map<String, Route> exact, String name, Route route) {
        if (exact.putIfAbsent(name, route) != null) {
            throw new IllegalArgumentException("model '" + name + "' is routed twice");
        }
    }

    /** A fallback cycle would send a failing request round and round: refused, naming the cycle. */
    private static void checkAcyclic(List<Route> routes) {
        Map<Route, Integer> state = new IdentityHashMap<>(); // absent: unvisited, 1: on the path, 2: done
        for (Route r : routes) {
            List<Route> path = new ArrayList<>();
            visit(r, state, path);
        }
    }

    private static void visit(Route route, Map<Route, Integer> state, List<Route> path) {
        Integer s = state.get(route);
        if (s != null && s == 2) {
            return;
        }
        path.add(route);
        if (s != null) {
            List<String> names = new ArrayList<>();
            for (Route r : path.subList(path.indexOf(route), path.size())) {
                names.add(r.spec.model());
            }
            throw new IllegalArgumentException("fallback cycle: " + String.join(" -> ", names));
        }
        state.put(route, 1);
        for (Route next : route.fallbacks) {
            visit(next, state, path);
        }
        state.put(route, 2);
        path.removeLast();
    }

    private Route resolve(String model) {
        if (model == null) {
            return defaultRoute;
        }
        Route route = exact.get(model);
        if (route != null) {
            return route;
        }
        for (Route glob : globs) {
            if (Glob.matches(glob.spec.model(), model)) {
                return glob;
            }
        }
        return null;
    }

    @Override
    public List<Deployment> candidates(String model) {
        Route route = resolve(model);
        if (route == null) {
            return List.of();
        }
        List<Deployment> healthy = new ArrayList<>();
        List<Deployment> unhealthy = new ArrayList<>();
        Set<Route> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        collect(route, healthy, unhealthy, visited);
        healthy.addAll(unhealthy);
        return healthy;
    }

    /** The route's healthy deployments (the chosen one first), then its fallbacks', depth first. */
    private void collect(Route route, List<Deployment> healthy, List<Deployment> unhealthy, Set<Route> visited) {
        if (!visited.add(route)) {
            return;
        }
        List<RoutedDeployment> ready = new ArrayList<>(route.deployments.size());
        for (RoutedDeployment d : route.deployments) {
            if (d.healthy()) {
                ready.add(d);
            } else {
                unhealthy.add(d);
            }
        }
        if (route.spec.ordered()) {
            healthy.addAll(ready);
        } else if (!ready.isEmpty()) {
            RoutedDeployment first = choose(ready);
            healthy.add(first);
            ready.remove(first);
            ready.sort((a, b) -> compareLoad(a, b)); // stable: equally loaded ones keep their order
            healthy.addAll(ready);
        }
        for (Route fallback : route.fallbacks) {
            collect(fallback, healthy, unhealthy, visited);
        }
    }

    /** The least loaded per weight; a tie is drawn in proportion to weight. */
    private RoutedDeployment choose(List<RoutedDeployment> ready) {
        List<RoutedDeployment> tied = new ArrayList<>();
        for (RoutedDeployment d : ready) {
            int c = tied.isEmpty() ? -1 : compareLoad(d, tied.getFirst());
            if (c < 0) {
                tied.clear();
            }
            if (c <= 0) {
                tied.add(d);
            }
        }
        if (tied.size() == 1) {
            return tied.getFirst();
        }
        int total = 0;
        for (RoutedDeployment d : tied) {
            total += d.weight();
        }
        int draw = settings.random().applyAsInt(total);
        for (RoutedDeployment d : tied) {
            draw -= d.weight();
            if (draw < 0) {
                return d;
            }
        }
        return tied.getLast();
    }

    /** Outstanding streams per unit of weight, compared without division. */
    private static int compareLoad(RoutedDeployment a, RoutedDeployment b) {
        return Long.compare((long) a.outstanding() * b.weight(), (long) b.outstanding() * a.weight());
    }

    @Override
    public String label(String model) {
        Route route = resolve(model);
        return route == null ? null : route.spec.label();
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public LlmProvider provider(List<Deployment> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidates");
        }
        List<ResilientProvider.Upstream> chain = new ArrayList<>(candidates.size());
        for (Deployment d : candidates) {
            chain.add(own(d).upstream());
        }
        return ResilientProvider.over(chain, settings.retry());
    }

    @Override
    public Lease begin(Deployment deployment) {
        return own(deployment).begin();
    }

    @Override
    public void coolDown(Deployment deployment, Duration retryAfter) {
        own(deployment).coolDown(retryAfter);
    }

    @Override
    public void succeeded(Deployment deployment) {
        own(deployment).succeeded();
    }

    @Override
    public void failed(Deployment deployment, UpstreamError error) {
        own(deployment).failed(requireNonNull(error, "error"));
    }

    /** One deployment's state now, for {@code /readyz}. */
    public record DeploymentState(
            String name, String kind, String host, String route, int outstanding, long coolingDownMillis,
            ResilientProvider.UpstreamStatus status) {}

    /** Every deployment's state, in configuration order; reads memory only. */
    public List<DeploymentState> states() {
        List<DeploymentState> states = new ArrayList<>(deployments.size());
        for (RoutedDeployment d : deployments) {
            states.add(new DeploymentState(d.name(), d.dialect().name().toLowerCase(java.util.Locale.ROOT), d.host(),
                    d.route(), d.outstanding(), java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(d.coolingForNanos()),
                    d.upstream().status()));
        }
        return states;
    }

    private RoutedDeployment own(Deployment deployment) {
        if (deployment instanceof RoutedDeployment d && deployments.contains(d)) {
            return d;
        }
        throw new IllegalArgumentException("not a deployment of this router: " + deployment);
    }
}
