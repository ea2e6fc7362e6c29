/**
 * Tools the model may call during a stream.
 *
 * <p>{@link io.streamgate.gateway.tools.ToolRegistry} names the available tools (built-ins plus the
 * {@link io.streamgate.gateway.tools.HttpTool}s declared in {@code STREAMGATE_HTTP_TOOLS_FILE});
 * {@link io.streamgate.gateway.tools.ToolRunner} runs one step's calls in parallel on virtual threads, each under
 * a timeout, and turns every failure into an error result the model can read, so that a tool can never fail a
 * stream and never blocks an event loop.
 */
package io.streamgate.gateway.tools;
