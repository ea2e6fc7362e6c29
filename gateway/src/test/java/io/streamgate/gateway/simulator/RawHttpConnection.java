package io.streamgate.gateway.simulator;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 connection driven by hand, for what the JDK client hides: several requests on one
 * socket, pipelining, and hanging up in the middle of a stream.
 */
final class RawHttpConnection implements AutoCloseable {

    /** One response: status, headers (lower-case names) and the decoded body. */
    record Response(int status, Map<String, String> headers, String body) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String path;

    RawHttpConnection(String baseUrl) throws IOException {
        this(baseUrl, 0);
    }

    /** With {@code receiveBuffer > 0}, a small TCP receive window that makes the server feel a slow reader. */
    RawHttpConnection(String baseUrl, int receiveBuffer) throws IOException {
        URI uri = URI.create(baseUrl);
        this.path = uri.getPath();
        this.socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
        socket.setSoTimeout(30_000); // a safety net against a hung test, not a timing assertion
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Writes one POST to {@code baseUrl + /chat/completions} without waiting for the answer. */
    void sendCompletion(String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + "/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** Writes raw request bytes (ASCII), for requests the helper does not build. */
    void sendRaw(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads the status line and headers of the next response. */
    Response readHead() throws IOException {
        String status = readLine();
        Map<String, String> headers = new TreeMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, "");
    }

    /** Reads one whole response, body decoded from Content-Length or chunked framing. */
    Response readResponse() throws IOException {
        Response head = readHead();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(head.headers().get("transfer-encoding"))) {
            for (int size = readChunkSize(); size > 0; size = readChunkSize()) {
                body.write(in.readNBytes(size));
                readLine();
            }
            while (!readLine().isEmpty()) {
                // trailers: none expected
            }
        } else {
            body.write(in.readNBytes(Integer.parseInt(head.headers().getOrDefault("content-length", "0"))));
        }
        return new Response(head.status(), head.headers(), body.toString(StandardCharsets.UTF_8));
    }

    /** Reads the next chunk of a chunked body as text (one or more whole SSE events here). */
    String readChunk() throws IOException {
        int size = readChunkSize();
        String chunk = new String(in.readNBytes(size), StandardCharsets.UTF_8);
        readLine();
        return chunk;
    }

    private int readChunkSize() throws IOException {
        String line = readLine();
        int semi = line.indexOf(';');
        return Integer.parseInt(semi < 0 ? line : line.substring(0, semi), 16);
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed after: " + sb);
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    /** Reads until the server closes the connection: the body of an HTTP/1.0 response without length. */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
