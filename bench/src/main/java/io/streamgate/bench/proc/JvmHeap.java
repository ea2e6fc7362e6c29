package io.streamgate.bench.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live heap of another JVM, via the JDK's {@code jcmd}: {@code GC.run} (a full collection, so only reachable
 * objects remain), then {@code GC.heap_info}, whose first "used" figure is parsed (ZGC prints it in MB).
 *
 * <p>Why jcmd: it needs no agent, no JMX port and no change to the gateway; its resolution (1 MB) is fine when
 * divided over thousands of streams.
 */
public final class JvmHeap {

    private static final Pattern USED = Pattern.compile("used\\s+(\\d+)([KMG])");

    private JvmHeap() {}

    /** Live heap in KiB after a full GC, or -1 if jcmd failed. */
    public static long liveHeapKb(long pid) {
        if (run(pid, "GC.run") == null) {
            return -1;
        }
        String info = run(pid, "GC.heap_info");
        if (info == null) {
            return -1;
        }
        Matcher m = USED.matcher(info);
        if (!m.find()) {
            return -1;
        }
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "K" -> v;
            case "M" -> v * 1024;
            default -> v * 1024 * 1024;
        };
    }

    private static String run(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command))
                    .redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
