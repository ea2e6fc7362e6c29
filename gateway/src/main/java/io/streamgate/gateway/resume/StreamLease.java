package io.streamgate.gateway.resume;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * One stream's names in Redis, and its owner lease.
 *
 * <p>Tenant and conversation ids are hostile input, so keys never carry them: they carry {@link #hash} of both, in
 * a hash tag ({@code {...}}) so that all of a conversation's keys share a Redis Cluster slot. Keys:
 * <ul>
 *   <li>{@code sg:rp:{h}}: the conversation's latest stream (its {@link #member()}); a new stream replaces it;</li>
 *   <li>{@code sg:rs:{h}:<stream id>}: the stream's events, a Redis Stream ({@link MirrorEntry});</li>
 *   <li>{@code sg:leases}: a sorted set of live streams' {@link #member()}s, scored by lease deadline (epoch ms).</li>
 * </ul>
 * The member names the owner node and carries the tenant and conversation ids, base64url-encoded, because the node
 * that reaps a dead owner's stream stores its partial answer under them.
 */
record StreamLease(String hash, String streamId, String node, String tenant, String conversationId) {

    static final String LEASES = "sg:leases";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern STREAM_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_MEMBER_CHARS = 2_048;

    StreamLease {
        if (!HEX.matcher(requireNonNull(hash, "hash")).matches()) {
            throw new IllegalArgumentException("malformed conversation hash");
        }
        if (!STREAM_ID.matcher(requireNonNull(streamId, "streamId")).matches()) {
            throw new IllegalArgumentException("malformed stream id");
        }
        if (!NODE.matcher(requireNonNull(node, "node")).matches()) {
            throw new IllegalArgumentException("malformed node id");
        }
        requireNonNull(tenant, "tenant");
        requireNonNull(conversationId, "conversationId");
    }

    /** A new stream's lease, with a random stream id. */
    static StreamLease create(String node, String tenant, String conversationId) {
        return new StreamLease(hash(tenant, conversationId),
                HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()), node, tenant, conversationId);
    }

    /**
     * 128 bits of SHA-256 over both ids, each preceded by its length so that no two pairs run together into the
     * same input.
     */
    static String hash(String tenant, String conversationId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {tenant, conversationId}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                sha.update(bytes);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pointerKey(String hash) {
        return "sg:rp:{" + hash + "}";
    }

    String pointerKey() {
        return pointerKey(hash);
    }

    String streamKey() {
        return "sg:rs:{" + hash + "}:" + streamId;
    }

    /** {@code hash:streamId:node:base64url(tenant):base64url(conversation)}. */
    String member() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return hash + ":" + streamId + ":" + node + ":"
                + b64.encodeToString(tenant.getBytes(StandardCharsets.UTF_8)) + ":"
                + b64.encodeToString(conversationId.getBytes(StandardCharsets.UTF_8));
    }

    byte[] memberBytes() {
        return member().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a member back; what Redis holds is checked like any input.
     *
     * @throws IllegalArgumentException when {@code member} is not one {@link #member()} wrote
     */
    static StreamLease parse(String member) {
        if (member == null || member.length() > MAX_MEMBER_CHARS) {
            throw new IllegalArgumentException("malformed lease");
        }
        String[] parts = member.split(":", -1);
        if (parts.length != 5) {
            throw new IllegalArgumentException("malformed lease");
        }
        Base64.Decoder b64 = Base64.getUrlDecoder();
        return new StreamLease(parts[0], parts[1], parts[2],
                new String(b64.decode(parts[3]), StandardCharsets.UTF_8),
                new String(b64.decode(parts[4]), StandardCharsets.UTF_8));
    }

    /** Whether this lease is the stream of {@code tenant}'s {@code conversationId}. */
    boolean belongsTo(String tenant, String conversationId) {
        return this.tenant.equals(tenant) && this.conversationId.equals(conversationId);
    }
}
