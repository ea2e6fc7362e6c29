/**
 * The drop-in endpoints: {@code POST /v1/chat/completions} (OpenAI Chat Completions), {@code POST /v1/messages}
 * (Anthropic Messages) and {@code GET /v1/models}, so that code written against the providers' SDKs works with a
 * changed base URL. A request in the dialect of the deployment it is routed to is relayed as the provider streams it
 * (the pass-through); one in the other dialect is translated through the neutral {@link
 * io.streamgate.llm.UpstreamEvent}s.
 */
package io.streamgate.gateway.dropin;
