package org.chainmarket.adapters.openflow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller's listening side: accepts the bridges' OpenFlow connections on {@link OpenFlowConfig#listen()},
 * keeps one {@link SwitchConnection} per switch of the domain (a datapath that is not one of them is disconnected, a
 * reconnecting switch replaces its old connection) and hands them out to whoever writes rules.
 */
final class Switches implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(Switches.class);

    private final OpenFlowConfig config;
    private final String domainName;
    private final Map<Long, String> switchByDatapath = new HashMap<>();
    private final Map<String, SwitchConnection> connections = new ConcurrentHashMap<>();
    private final ServerSocketChannel server;
    private volatile boolean closed;

    /** Starts listening at once. @throws IllegalStateException when the address cannot be bound */
    Switches(OpenFlowConfig config) {
        this.config = config;
        this.domainName = "OpenFlow domain " + config.domain().providerId();
        config.switches().forEach((id, b) -> switchByDatapath.put(b.datapathId(), id));
        try {
            if (config.listen() instanceof UnixDomainSocketAddress unix) {
                Files.deleteIfExists(unix.getPath());
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            } else {
                server = ServerSocketChannel.open();
            }
            server.bind(config.listen());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for OpenFlow switches at " + config.listen() + ": " + e, e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "openflow-" + config.domain().providerId() + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Waits until every switch is connected. @throws IllegalStateException naming those still missing after {@code timeout} */
    void await(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> missing = config.switches().keySet().stream().filter(s -> !connected(s)).sorted().toList();
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException(domainName + ": switches " + missing + " did not connect to "
                        + config.listen() + " within " + timeout.toMillis() + " ms");
            }
            sleep(20);
        }
    }

    boolean connected(String switchId) {
        SwitchConnection c = connections.get(switchId);
        return c != null && c.isOpen();
    }

    /**
     * The connection of {@code switchId}, waiting up to {@link #TIMEOUT} for it.
     *
     * @throws IllegalArgumentException when the switch is not in the domain
     * @throws IllegalStateException    when it is not connected in time
     */
    SwitchConnection connection(String switchId) {
        if (!config.switches().containsKey(switchId)) {
            throw new IllegalArgumentException("unknown switch '" + switchId + "' in domain " + config.domain().providerId());
        }
        long until = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            SwitchConnection c = connections.get(switchId);
            if (c != null && c.isOpen()) {
                return c;
            }
            if (System.nanoTime() > until || closed) {
                throw new IllegalStateException("switch '" + switchId + "' of domain " + config.domain().providerId()
                        + " is not connected to the controller");
            }
            sleep(20);
        }
    }

    /** Stops listening and disconnects the switches (their rules stay installed). */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // stopping anyway
        }
        connections.values().forEach(SwitchConnection::close);
        if (config.listen() instanceof UnixDomainSocketAddress unix) {
            try {
                Files.deleteIfExists(unix.getPath());
            } catch (IOException ignored) {
                // a stale socket file is replaced on the next bind
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel ch = server.accept();
                if (!(config.listen() instanceof UnixDomainSocketAddress)) {
                    ch.socket().setTcpNoDelay(true);
                }
                new SwitchConnection(ch, this::ready, this::gone).start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("{}: accept failed: {}", domainName, e.toString());
                    sleep(100);
                }
            }
        }
    }

    private void ready(SwitchConnection c) {
        String id = switchByDatapath.get(c.datapathId());
        if (id == null) {
            LOG.warn("{}: datapath {} is not one of its switches; disconnecting", domainName, Long.toHexString(c.datapathId()));
            c.close();
            return;
        }
        SwitchConnection old = connections.put(id, c);
        if (old != null && old != c) {
            old.close();
        }
    }

    private void gone(SwitchConnection c) {
        connections.entrySet().removeIf(e -> e.getValue() == c);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
