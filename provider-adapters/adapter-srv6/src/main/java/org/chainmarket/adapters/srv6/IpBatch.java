package org.chainmarket.adapters.srv6;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs iproute2 in a namespace: {@code ip -6 -n NS [-force] -batch -} with the lines on stdin, or one query. */
final class IpBatch {
    private IpBatch() {
    }

    /** Runs the lines; fails with iproute2's message unless {@code force} (then errors are ignored). */
    static void run(String namespace, List<String> lines, boolean force) {
        if (lines.isEmpty()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "-6", "-n", namespace));
        if (force) {
            cmd.add("-force");
        }
        cmd.addAll(List.of("-batch", "-"));
        Result r = exec(cmd, String.join("\n", lines) + "\n");
        if (r.exit != 0 && !force) {
            throw new IllegalStateException("ip -n " + namespace + " -batch failed (" + r.exit + "): " + r.err.strip()
                    + " while running: " + String.join("; ", lines));
        }
    }

    /** Runs one {@code ip} query in the namespace and returns its output. */
    static String query(String namespace, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", namespace));
        cmd.addAll(List.of(args));
        Result r = exec(cmd, null);
        if (r.exit != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.exit + "): " + r.err.strip());
        }
        return r.out;
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result exec(List<String> cmd, String stdin) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } else {
                p.getOutputStream().close();
            }
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish within 30 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", cmd), e);
        }
    }
}
