package org.chainmarket.adapters.lab;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.chainmarket.adapters.lab.Lab.PREFIX;
import static org.chainmarket.adapters.lab.Lab.ROOT;

/**
 * Removes labs: a closed one's processes, namespaces and directory, and, before a new lab starts, what earlier runs
 * whose owner process is gone left behind (a crashed test run). Never throws.
 */
final class LabJanitor {
    private static final Logger LOG = LoggerFactory.getLogger(LabJanitor.class);

    private LabJanitor() {
    }

    static void stop(ProcessHandle p) {
        p.destroy();
        try {
            p.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
        }
    }

    static void destroy(Path dir, List<String> namespaces) {
        for (String n : namespaces) {
            Shell.quietly("ip", "netns", "del", n);
        }
        try (Stream<Path> files = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove {}: {}", dir, e.toString());
        }
    }

    /** Removes labs whose owner process is gone: their OVS processes, namespaces and directories. */
    static void cleanStale() {
        List<String> existing;
        try {
            existing = Shell.run("ip", "netns", "list").lines().map(l -> l.split(" ")[0]).filter(n -> n.startsWith(PREFIX)).toList();
        } catch (LabException e) {
            existing = List.of();
        }
        Map<String, List<String>> byLab = new HashMap<>();
        for (String n : existing) {
            String rest = n.substring(PREFIX.length());
            int dash = rest.indexOf('-');
            byLab.computeIfAbsent(dash < 0 ? rest : rest.substring(0, dash), k -> new ArrayList<>()).add(n);
        }
        List<String> labIds = new ArrayList<>(byLab.keySet());
        if (Files.isDirectory(ROOT)) {
            try (Stream<Path> dirs = Files.list(ROOT)) {
                dirs.map(d -> d.getFileName().toString()).filter(d -> !labIds.contains(d)).forEach(labIds::add);
            } catch (IOException ignored) {
                // nothing to clean there
            }
        }
        for (String lab : labIds) {
            if (lab.startsWith("probe")) {
                continue;
            }
            Path d = ROOT.resolve(lab);
            if (ownerAlive(d)) {
                continue;
            }
            LOG.info("removing stale lab {}", lab);
            for (String pidFile : List.of("ovs-vswitchd.pid", "ovsdb-server.pid")) {
                try {
                    long pid = Long.parseLong(Files.readString(d.resolve(pidFile)).strip());
                    ProcessHandle.of(pid).filter(h -> h.info().command().orElse("").contains("ovs")).ifPresent(LabJanitor::stop);
                } catch (IOException | RuntimeException ignored) {
                    // no such process any more
                }
            }
            destroy(d, byLab.getOrDefault(lab, List.of()));
        }
    }

    private static boolean ownerAlive(Path labDir) {
        try {
            long pid = Long.parseLong(Files.readString(labDir.resolve("owner.pid")).strip());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
