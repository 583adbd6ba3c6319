package org.chainmarket.deploy.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for servers a test or a launcher starts and whose port it must name before the server binds it (a
 * Kafka cluster's static quorum, a process's health endpoint, a database started again on the same port).
 *
 * <p>A port is drawn at random below the kernel's ephemeral range ({@code net.ipv4.ip_local_port_range}), checked free
 * by binding it, and never handed out twice by one JVM. A port taken with {@code new ServerSocket(0)} comes from the
 * ephemeral range, which is also where the kernel picks the local port of every outgoing connection: between asking
 * and binding, a connection of another process (one Kafka node connecting to another) could take it, and the server
 * then failed with "Address already in use". Below that range only a server binding that very port can take it.
 */
public final class Ports {
    private static final int LOWEST = 10_000;
    private static final int DEFAULT_EPHEMERAL_LOW = 32_768;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /** A loopback port nothing listens on now, outside the ephemeral range, not handed out before by this JVM. */
    public static int free() {
        int high = ephemeralLow() - 1;
        if (high <= LOWEST) {
            return anyFree();
        }
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, high + 1);
            if (!GIVEN.contains(port) && bindable(port) && GIVEN.add(port)) {
                return port;
            }
        }
        return anyFree();
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int anyFree() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
        }
    }

    /** The low end of the kernel's ephemeral port range, or 32768 (Linux's default) where it cannot be read. */
    static int ephemeralLow() {
        try {
            // read by lines: a /proc file reports size 0, and Files.readString then returns only its first byte
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException unreadable) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }
}
