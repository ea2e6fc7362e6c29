/** Token usage: counted per tenant and model, estimated when a provider reports none, and billed to the limits. */
package io.streamgate.gateway.usage;
