# streamgate: build, run and test. Needs Maven and a JDK 25 (found automatically, see find-jdk.sh).
SHELL := /bin/bash
JAVA_HOME := $(shell ./scripts/find-jdk.sh)
export JAVA_HOME
MVN := mvn -B -ntp
JAR := gateway/target/streamgate.jar

.PHONY: build run cluster test test-okhttp clean jmh bench eval check-jdk

check-jdk:
	@test -n "$(JAVA_HOME)" || { echo "error: no JDK 25 found. Install one (e.g. Temurin 25) or set JAVA_HOME to it." >&2; exit 1; }

build: check-jdk
	$(MVN) -DskipTests package

JVM_OPTIONS := $(shell grep -v '^\#' gateway/jvm.options | tr '\n' ' ')

# Each stream holds two sockets (client and provider): raise the open-file limit when the system allows it.
RAISE_FD_LIMIT := ulimit -n 65536 2>/dev/null || ulimit -n $$(ulimit -Hn) 2>/dev/null || true

# Builds only what it runs: the gateway and the module it needs (llm-client), not bench; tests are not run.
run: check-jdk
	$(MVN) -DskipTests package -pl gateway -am
	$(RAISE_FD_LIMIT); $(JAVA_HOME)/bin/java $(JVM_OPTIONS) -jar $(JAR)

# Three nodes on a local Redis and PostgreSQL behind nginx, on one machine; Ctrl-C stops everything
# (scripts/cluster.sh says what it needs and which ports it takes).
cluster: check-jdk
	$(MVN) -DskipTests package -pl gateway -am
	./scripts/cluster.sh

test: check-jdk
	$(MVN) verify

# The gateway's whole suite again over the other upstream transport (STREAMGATE_UPSTREAM_CLIENT=okhttp).
test-okhttp: check-jdk
	$(MVN) verify -pl gateway -am -Dstreamgate.test.upstreamClient=okhttp

clean:
	$(MVN) -q clean

jmh: check-jdk
	$(MVN) -DskipTests package -pl bench -am
	$(JAVA_HOME)/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar bench/target/benchmarks.jar $(JMH_ARGS)

# The load harness, after the semantic cache's evaluation (below; a few seconds).
bench: check-jdk
	$(MVN) -DskipTests package -pl bench -am
	$(EVAL_RUN)
	$(JAVA_HOME)/bin/java $(JVM_OPTIONS) -cp bench/target/benchmarks.jar io.streamgate.bench.LoadHarness $(BENCH_ARGS)

# The semantic cache's matching on the labelled question pairs (bench/src/main/resources/cache-eval/pairs.tsv):
# precision and recall per similarity threshold, the chosen default, the worst errors, a 5-fold cross-validation.
# About 5 s once built (the model loads in about 2 s). EVAL_ARGS: --pairs FILE, --show N.
EVAL_RUN = $(JAVA_HOME)/bin/java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.streamgate.bench.cache.SemanticEval $(EVAL_ARGS)

eval: check-jdk
	$(MVN) -DskipTests package -pl bench -am
	$(EVAL_RUN)
