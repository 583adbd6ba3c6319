package org.chainmarket.adapters.openflow;

import org.chainmarket.adapters.api.QueuedPathProvider;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainCommand;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortStatsEntry;
import org.projectfloodlight.openflow.protocol.OFPortStatsReply;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * A provider domain made of Open vSwitch bridges, driven as an OpenFlow 1.3 controller (as the Floodlight-based
 * prototype of paper 003): the bridges connect to {@link OpenFlowConfig#listen()}; a SETUP becomes one
 * {@code in_port -> output} rule per switch visit (the same logical entries as the emulated domain, translated to
 * OpenFlow port numbers), every rule of a chain carrying the chain's cookie; a TEARDOWN deletes by cookie.
 *
 * <p>A SETUP for a chain that already has rules is a make-before-break replacement: first, switch by switch from the
 * exit back to the entry, one atomic ONF bundle per switch adds the new rules and modifies the changed ones; then,
 * after {@link OpenFlowConfig#drain()}, a second bundle per switch deletes the rules the new set no longer has. A
 * rule matches on {@code in_port} only, so two chains cannot share an in_port of a switch: such a SETUP fails
 * naming the other chain.
 *
 * <p>Commands run one at a time on the domain's own thread, which also answers; answers are cached per command id
 * ({@link QueuedPathProvider}). {@link #flowStats} and {@link #portStats} read the switches' counters back (OpenFlow multipart statistics).
 */
public final class OpenFlowDomain extends QueuedPathProvider {
    private static final Duration SWITCH_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(OpenFlowDomain.class);

    private final OpenFlowConfig config;
    private final ChainPlanner planner;
    private final Map<Long, String> switchByDatapath = new HashMap<>();
    private final Map<String, SwitchConnection> connections = new ConcurrentHashMap<>();
    private final Map<ChainId, List<FlowEntry>> chains = new ConcurrentHashMap<>();
    private final ServerSocketChannel server;
    private final Thread acceptor;

    /**
     * Starts listening for the switches at once.
     *
     * @throws IllegalStateException when the listen address cannot be bound
     */
    public OpenFlowDomain(OpenFlowConfig config) {
        super(Objects.requireNonNull(config, "config").domain(), "OpenFlow");
        this.config = config;
        this.planner = new ChainPlanner(domain());
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
        String name = "openflow-" + domain().providerId();
        acceptor = new Thread(this::acceptLoop, name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Waits until every switch of the domain is connected and has told its ports.
     *
     * @throws IllegalStateException naming the switches still missing after {@code timeout}
     */
    public void awaitSwitches(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> missing = config.switches().keySet().stream().filter(s -> !connected(s)).sorted().toList();
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("OpenFlow domain " + domain().providerId() + ": switches " + missing
                        + " did not connect to " + config.listen() + " within " + timeout.toMillis() + " ms");
            }
            sleep(20);
        }
    }

    /** Whether {@code switchId} is connected. */
    public boolean connected(String switchId) {
        SwitchConnection c = connections.get(switchId);
        return c != null && c.isOpen();
    }

    /** The logical entries this domain installed for the chain (empty when none). */
    public List<FlowEntry> entriesOf(ChainId chain) {
        return chains.getOrDefault(chain, List.of());
    }

    /** The chains with rules in this domain. */
    public Set<ChainId> chains() {
        return Set.copyOf(chains.keySet());
    }

    /** The OpenFlow cookie that tags every rule of {@code chain}. */
    public static long cookieOf(ChainId chain) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(chain.value().getBytes(StandardCharsets.UTF_8));
            long c = 0;
            for (int i = 0; i < 8; i++) {
                c = (c << 8) | (d[i] & 0xff);
            }
            return c == 0 || c == -1 ? 1 : c;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The rules of {@code chain} as the switches report them now (every switch is asked). */
    public List<FlowStat> flowStats(ChainId chain) {
        List<FlowStat> out = new ArrayList<>();
        for (String sw : config.switches().keySet().stream().sorted().toList()) {
            out.addAll(flowStats(sw, cookieOf(chain), -1L));
        }
        return out;
    }

    /** Every rule on {@code switchId}, whatever its cookie. */
    public List<FlowStat> allFlowStats(String switchId) {
        return flowStats(switchId, 0, 0);
    }

    private List<FlowStat> flowStats(String switchId, long cookie, long mask) {
        SwitchConnection c = connection(switchId);
        List<OFMessage> replies = await(call(() -> c.request(SwitchConnection.OF.buildFlowStatsRequest().setXid(c.nextXid())
                .setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).setCookie(U64.of(cookie))
                .setCookieMask(U64.of(mask)).setMatch(SwitchConnection.OF.buildMatch().build()).build())), "flow stats of " + switchId);
        List<FlowStat> out = new ArrayList<>();
        for (OFMessage m : replies) {
            for (OFFlowStatsEntry e : ((OFFlowStatsReply) m).getEntries()) {
                OFPort in = e.getMatch().get(MatchField.IN_PORT);
                String outPort = null;
                for (OFInstruction i : e.getInstructions()) {
                    if (i instanceof OFInstructionApplyActions apply) {
                        for (OFAction a : apply.getActions()) {
                            if (a instanceof OFActionOutput o) {
                                outPort = portLabel(c, o.getPort());
                            }
                        }
                    }
                }
                out.add(new FlowStat(switchId, in == null ? null : portLabel(c, in), outPort, e.getCookie().getValue(),
                        e.getPriority(), e.getPacketCount().getValue(), e.getByteCount().getValue()));
            }
        }
        return out;
    }

    /** Every port's counters on {@code switchId}. */
    public List<PortStat> portStats(String switchId) {
        SwitchConnection c = connection(switchId);
        List<OFMessage> replies = await(call(() -> c.request(SwitchConnection.OF.buildPortStatsRequest().setXid(c.nextXid())
                .setPortNo(OFPort.ANY).build())), "port stats of " + switchId);
        List<PortStat> out = new ArrayList<>();
        for (OFMessage m : replies) {
            for (OFPortStatsEntry e : ((OFPortStatsReply) m).getEntries()) {
                int n = e.getPortNo().getPortNumber();
                out.add(new PortStat(switchId, n, c.portName(n), e.getRxPackets().getValue(), e.getTxPackets().getValue(),
                        e.getRxBytes().getValue(), e.getTxBytes().getValue(), e.getRxDropped().getValue(),
                        e.getTxDropped().getValue()));
            }
        }
        return out;
    }

    /** After the queued commands: disconnects the switches and stops listening (rules stay installed). */
    @Override
    protected void release() {
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
        while (!isClosed()) {
            try {
                SocketChannel ch = server.accept();
                if (!(config.listen() instanceof UnixDomainSocketAddress)) {
                    ch.socket().setTcpNoDelay(true);
                }
                new SwitchConnection(ch, this::ready, this::gone).start();
            } catch (IOException e) {
                if (!isClosed()) {
                    LOG.warn("OpenFlow domain {}: accept failed: {}", domain().providerId(), e.toString());
                    sleep(100);
                }
            }
        }
    }

    private void ready(SwitchConnection c) {
        String id = switchByDatapath.get(c.datapathId());
        if (id == null) {
            LOG.warn("OpenFlow domain {}: datapath {} is not one of its switches; disconnecting", domain().providerId(),
                    Long.toHexString(c.datapathId()));
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

    @Override
    protected DomainAck carryOut(DomainCommand command) {
        try {
            if (command.operation() == DomainCommand.Operation.TEARDOWN) {
                teardown(command.chainId());
                return success(command, List.of());
            }
            List<FlowEntry> next = planner.plan(command.chainId(), command.segments());
            String conflict = conflict(command.chainId(), next);
            if (conflict != null) {
                return failure(command, conflict);
            }
            replace(command.chainId(), next);
            return success(command, next);
        } catch (ChainPlanner.PlanException | IllegalStateException e) {
            return failure(command, e.getMessage());
        }
    }

    private String conflict(ChainId chain, List<FlowEntry> next) {
        for (FlowEntry e : next) {
            for (Map.Entry<ChainId, List<FlowEntry>> other : chains.entrySet()) {
                if (other.getKey().equals(chain)) {
                    continue;
                }
                for (FlowEntry o : other.getValue()) {
                    if (o.switchId().equals(e.switchId()) && o.inPort().equals(e.inPort())) {
                        return "switch '" + e.switchId() + "' in_port '" + e.inPort() + "' already carries chain "
                                + other.getKey() + "; an in_port match cannot tell two chains apart";
                    }
                }
            }
        }
        return null;
    }

    /** Make-before-break, as described on the class. */
    private void replace(ChainId chain, List<FlowEntry> next) {
        long cookie = cookieOf(chain);
        List<FlowEntry> old = chains.getOrDefault(chain, List.of());
        Map<String, FlowEntry> oldByKey = new HashMap<>();
        old.forEach(e -> oldByKey.put(key(e), e));
        Set<String> nextKeys = new LinkedHashSet<>();
        Map<String, List<FlowEntry>> adds = new LinkedHashMap<>();
        for (FlowEntry e : next) {
            nextKeys.add(key(e));
            if (!e.equals(oldByKey.get(key(e)))) {
                adds.computeIfAbsent(e.switchId(), k -> new ArrayList<>()).add(e);
            }
        }
        Map<String, List<FlowEntry>> removes = new LinkedHashMap<>();
        for (FlowEntry e : old) {
            if (!nextKeys.contains(key(e))) {
                removes.computeIfAbsent(e.switchId(), k -> new ArrayList<>()).add(e);
            }
        }
        List<String> downstreamFirst = new ArrayList<>(adds.keySet());
        Collections.reverse(downstreamFirst);
        List<CompletableFuture<?>> commits = new ArrayList<>();
        for (String sw : downstreamFirst) {
            SwitchConnection c = connection(sw);
            List<IntFunction<? extends OFMessage>> mods = new ArrayList<>();
            for (FlowEntry e : adds.get(sw)) {
                Match match = match(c, e);
                List<OFInstruction> actions = List.of(SwitchConnection.OF.instructions().applyActions(List.of(
                        SwitchConnection.OF.actions().output(outPort(c, e), 0xffff))));
                mods.add(xid -> SwitchConnection.OF.buildFlowAdd().setXid(xid).setCookie(U64.of(cookie))
                        .setPriority(e.priority()).setTableId(TableId.of(0)).setBufferId(OFBufferId.NO_BUFFER)
                        .setMatch(match).setInstructions(actions).build());
            }
            // One switch after the other, downstream first, so that upstream rules never point into a gap.
            await(call(() -> c.commitBundle(mods)), "commit the new rules of chain " + chain + " on " + sw);
        }
        if (next.isEmpty()) {
            chains.remove(chain);
        } else {
            chains.put(chain, List.copyOf(next));
        }
        if (removes.isEmpty()) {
            return;
        }
        if (!old.isEmpty()) {
            sleep(config.drain().toMillis());
        }
        for (Map.Entry<String, List<FlowEntry>> r : removes.entrySet()) {
            SwitchConnection c = connection(r.getKey());
            List<IntFunction<? extends OFMessage>> mods = new ArrayList<>();
            for (FlowEntry e : r.getValue()) {
                Match match = match(c, e);
                mods.add(xid -> SwitchConnection.OF.buildFlowDeleteStrict().setXid(xid).setCookie(U64.of(cookie))
                        .setCookieMask(U64.NO_MASK).setPriority(e.priority()).setTableId(TableId.of(0))
                        .setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).setMatch(match).build());
            }
            commits.add(call(() -> c.commitBundle(mods)));
        }
        for (CompletableFuture<?> f : commits) {
            await(f, "remove the stale rules of chain " + chain);
        }
    }

    private void teardown(ChainId chain) {
        long cookie = cookieOf(chain);
        List<CompletableFuture<?>> done = new ArrayList<>();
        for (String sw : config.switches().keySet()) {
            SwitchConnection c = connection(sw);
            done.add(call(() -> c.sendWithBarrier(List.of(SwitchConnection.OF.buildFlowDelete().setXid(c.nextXid())
                    .setCookie(U64.of(cookie)).setCookieMask(U64.NO_MASK).setTableId(TableId.ALL)
                    .setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).setMatch(SwitchConnection.OF.buildMatch().build())
                    .build()))));
        }
        for (CompletableFuture<?> f : done) {
            await(f, "remove the rules of chain " + chain);
        }
        chains.remove(chain);
    }

    private Match match(SwitchConnection c, FlowEntry e) {
        int in = physical(c, e.switchId(), e.inPort(), false);
        return SwitchConnection.OF.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(in)).build();
    }

    private OFPort outPort(SwitchConnection c, FlowEntry e) {
        String logical = e.actions().get(0).substring("output:".length());
        int out = physical(c, e.switchId(), logical, true);
        int in = physical(c, e.switchId(), e.inPort(), false);
        return out == in ? OFPort.IN_PORT : OFPort.of(out);
    }

    private int physical(SwitchConnection c, String sw, String logical, boolean toward) {
        OpenFlowConfig.PortBinding b = config.switches().get(sw).ports().get(logical);
        if (b == null) {
            throw new IllegalStateException("switch '" + sw + "' of domain " + domain().providerId() + " has no port '" + logical + "'");
        }
        String name = toward ? b.toward() : b.from();
        Integer n = c.portNumber(name);
        if (n == null) {
            throw new IllegalStateException("switch '" + sw + "' has no OpenFlow port named '" + name + "' (for " + logical + ")");
        }
        return n;
    }

    private String portLabel(SwitchConnection c, OFPort port) {
        if (port.equals(OFPort.IN_PORT)) {
            return "in_port";
        }
        String name = c.portName(port.getPortNumber());
        return name == null ? String.valueOf(port.getPortNumber()) : name;
    }

    private SwitchConnection connection(String switchId) {
        if (!config.switches().containsKey(switchId)) {
            throw new IllegalArgumentException("unknown switch '" + switchId + "' in domain " + domain().providerId());
        }
        long until = System.nanoTime() + SWITCH_TIMEOUT.toNanos();
        while (true) {
            SwitchConnection c = connections.get(switchId);
            if (c != null && c.isOpen()) {
                return c;
            }
            if (System.nanoTime() > until || isClosed()) {
                throw new IllegalStateException("switch '" + switchId + "' of domain " + domain().providerId()
                        + " is not connected to the controller");
            }
            sleep(20);
        }
    }

    private static String key(FlowEntry e) {
        return e.switchId() + "|" + e.inPort();
    }

    private interface IoCall<T> {
        CompletableFuture<T> call() throws IOException;
    }

    private static <T> CompletableFuture<T> call(IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new IllegalStateException(e.toString(), e));
        }
    }

    private static <T> T await(CompletableFuture<T> f, String what) {
        try {
            return f.get(SWITCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not " + what + ": no answer within " + SWITCH_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A Unix socket listen address, for bridges set up with {@code unix:<path>}. */
    public static UnixDomainSocketAddress unixSocket(Path path) {
        return UnixDomainSocketAddress.of(path);
    }
}
