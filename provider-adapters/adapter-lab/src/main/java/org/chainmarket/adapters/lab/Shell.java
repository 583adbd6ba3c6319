package org.chainmarket.adapters.lab;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the lab's commands (iproute2, nft, ovs-*, ping) and fails with the command and its error output. */
public final class Shell {
    private Shell() {
    }

    /** Runs {@code cmd}, feeding {@code stdin} if not null; returns stdout. @throws LabException on a non-zero exit */
    public static String run(List<String> cmd, String stdin) {
        Result r = exec(cmd, stdin, Map.of());
        if (r.exit() != 0) {
            throw new LabException(String.join(" ", cmd) + " failed (exit " + r.exit() + "): " + r.err().strip()
                    + (stdin == null ? "" : "\n--- input ---\n" + stdin));
        }
        return r.out();
    }

    public static String run(String... cmd) {
        return run(List.of(cmd), null);
    }

    /** Runs {@code cmd} inside network namespace {@code ns} ({@code ip netns exec}). */
    public static String in(String ns, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return run(full, null);
    }

    /** Runs {@code cmd} and returns its exit code, ignoring the output. */
    public static int quietly(String... cmd) {
        return exec(List.of(cmd), null, Map.of()).exit();
    }

    /** Starts a long-running process with its output appended to {@code log}. */
    public static Process start(List<String> cmd, Map<String, String> env, Path log) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            return p;
        } catch (IOException e) {
            throw new LabException("cannot start " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        }
    }

    /** Whether an executable named {@code name} is on the PATH or in an sbin directory. */
    public static boolean has(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/local/bin"));
        return dirs.stream().filter(d -> !d.isBlank()).anyMatch(d -> Files.isExecutable(Path.of(d, name)));
    }

    record Result(int exit, String out, String err) {
    }

    static Result exec(List<String> cmd, String stdin, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            Path err = Files.createTempFile("lab-cmd", ".err");
            try {
                pb.redirectError(err.toFile());
                Process p = pb.start();
                try (OutputStream in = p.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new LabException(String.join(" ", cmd) + " did not finish within 60 s");
                }
                return new Result(p.exitValue(), out, Files.readString(err));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new LabException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running " + String.join(" ", cmd), e);
        }
    }
}
