package io.streamgate.bench;

import io.streamgate.bench.load.WireFormat;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --api}: the dialect every pass speaks when the gateway is measured on its drop-in endpoint instead of the
 * conversation API. Direct and nginx speak it to the simulator, the gateway on {@code /v1/...}; the gateway it
 * starts reads the simulator in the same dialect, so its pass is the pass-through.
 */
enum DropInApi {
    OPENAI(WireFormat.OPENAI_CHUNKS, Map.of()),
    /** The Messages API has no default model: the gateway's single upstream then needs one named. */
    ANTHROPIC(WireFormat.ANTHROPIC_EVENTS, Map.of("STREAMGATE_UPSTREAM_KIND", "anthropic", "STREAMGATE_MODEL", "bench"));

    /** The drop-in endpoints' base path on the gateway. */
    static final String GATEWAY_BASE_PATH = "/v1";

    final WireFormat format;
    /** What a started gateway needs for its single upstream to speak this dialect. */
    final Map<String, String> gatewayEnv;

    DropInApi(WireFormat format, Map<String, String> gatewayEnv) {
        this.format = format;
        this.gatewayEnv = gatewayEnv;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static DropInApi of(String value) {
        for (DropInApi api : values()) {
            if (api.label().equals(value.strip().toLowerCase(Locale.ROOT))) {
                return api;
            }
        }
        throw new IllegalArgumentException("--api takes openai or anthropic, got " + value);
    }
}
