package io.streamgate.bench.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time and resident memory of server processes, read from Linux {@code /proc}.
 *
 * <p>Why {@code /proc} and not the servers' own metrics: it is the one measure that means the same thing for the
 * gateway's JVM and for nginx. CPU is {@code utime + stime} (fields 14 and 15 of {@code stat}) in clock ticks of
 * {@value #TICKS_PER_SECOND} Hz (the kernel's USER_HZ on every mainstream Linux build); RSS is {@code VmRSS}.
 */
public final class ProcStats {

    public static final int TICKS_PER_SECOND = 100;

    private ProcStats() {}

    /** CPU seconds used so far by all of {@code pids}, summed; processes that are gone count zero. */
    public static double cpuSeconds(List<Long> pids) {
        long ticks = 0;
        for (long pid : pids) {
            ticks += cpuTicks(pid);
        }
        return ticks / (double) TICKS_PER_SECOND;
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may contain spaces; fields after the last ')' are safe to split
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15 overall)
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Resident set size in KiB, summed over {@code pids}; processes that are gone count zero. */
    public static long rssKb(List<Long> pids) {
        long kb = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        kb += Long.parseLong(line.substring(6).strip().split("\\s+")[0]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return kb;
    }

    /**
     * CPU seconds the whole machine has been busy (all cores, everything but idle and iowait), from
     * {@code /proc/stat}. Compared with the measured processes' own CPU it shows how much other work (another
     * build, another benchmark) competed with the pass.
     */
    public static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / (double) TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Open file descriptors of one process, or -1 if unreadable. */
    public static int openFds(long pid) {
        try (var list = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) list.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
