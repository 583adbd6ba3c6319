package org.chainmarket.adapters.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One switch's OpenFlow 1.3 channel, as the controller side: HELLO, FEATURES and PORT_DESC on connect, ECHO
 * answered, requests correlated by xid (multipart replies gathered, errors failing the request), and the ONF
 * bundle extension (EXT-230, the OpenFlow 1.3 form of 1.4 bundles that Open vSwitch implements) for atomic
 * per-switch commits. Messages are (de)serialized by openflowj; the bundle envelopes are written by hand because
 * openflowj has bundles only for OpenFlow 1.4 and later.
 */
final class SwitchConnection implements AutoCloseable {
    static final OFFactory OF = OFFactories.getFactory(OFVersion.OF_13);
    static final int ONF_EXPERIMENTER = 0x4F4E4600;
    static final int ONFT_BUNDLE_CONTROL = 2300;
    static final int ONFT_BUNDLE_ADD = 2301;
    static final int BUNDLE_OPEN = 0;
    static final int BUNDLE_COMMIT = 4;
    static final int BUNDLE_COMMIT_REPLY = 5;
    static final int BUNDLE_FLAGS = 0x3; // ATOMIC | ORDERED

    private static final Logger LOG = LoggerFactory.getLogger(SwitchConnection.class);
    private static final AtomicInteger BUNDLE_IDS = new AtomicInteger(1);

    private final SocketChannel channel;
    private final AtomicInteger xids = new AtomicInteger(1);
    private final ConcurrentMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Integer> portsByName = new ConcurrentHashMap<>();
    private final Map<Integer, String> namesByPort = new ConcurrentHashMap<>();
    private final CompletableFuture<SwitchConnection> ready = new CompletableFuture<>();
    private final Consumer<SwitchConnection> onClose;
    private final Thread reader;
    private volatile long datapathId = -1;
    private volatile boolean closed;

    SwitchConnection(SocketChannel channel, Consumer<SwitchConnection> onReady, Consumer<SwitchConnection> onClose) {
        this.channel = channel;
        this.onClose = onClose;
        this.reader = new Thread(this::readLoop, "openflow-reader-" + channel.hashCode());
        this.reader.setDaemon(true);
        ready.thenAccept(onReady);
    }

    void start() {
        reader.start();
        try {
            send(OF.buildHello().setXid(nextXid()).build());
            request(OF.buildFeaturesRequest().setXid(nextXid()).build()).thenCompose(features -> {
                datapathId = ((OFFeaturesReply) features.get(0)).getDatapathId().getLong();
                try {
                    return request(OF.buildPortDescStatsRequest().setXid(nextXid()).build());
                } catch (IOException e) {
                    return CompletableFuture.<List<OFMessage>>failedFuture(e);
                }
            }).whenComplete((desc, error) -> {
                if (error != null) {
                    ready.completeExceptionally(error);
                    close();
                    return;
                }
                for (OFMessage m : desc) {
                    ((OFPortDescStatsReply) m).getEntries().forEach(this::putPort);
                }
                LOG.info("switch {} connected with {} ports", Long.toHexString(datapathId), portsByName.size());
                ready.complete(this);
            });
        } catch (IOException e) {
            ready.completeExceptionally(e);
            close();
        }
    }

    long datapathId() {
        return datapathId;
    }

    boolean isOpen() {
        return !closed;
    }

    /** The OpenFlow port number of the port named {@code name}, or null. */
    Integer portNumber(String name) {
        return portsByName.get(name);
    }

    String portName(int number) {
        return namesByPort.get(number);
    }

    int nextXid() {
        return xids.getAndIncrement();
    }

    /** Sends {@code message} and completes with its reply (all parts of a multipart reply), or an error. */
    CompletableFuture<List<OFMessage>> request(OFMessage message) throws IOException {
        Pending p = new Pending(true);
        pending.put(message.getXid(), p);
        send(message);
        return p.future;
    }

    /** Sends the messages and completes when the switch has processed them all (a BARRIER), or on the first error. */
    CompletableFuture<List<OFMessage>> sendWithBarrier(List<? extends OFMessage> messages) throws IOException {
        Pending shared = new Pending(false);
        for (OFMessage m : messages) {
            pending.put(m.getXid(), shared);
        }
        long barrier = nextXid();
        Pending last = new Pending(true, shared.future);
        pending.put(barrier, last);
        for (OFMessage m : messages) {
            send(m);
        }
        send(OF.buildBarrierRequest().setXid(barrier).build());
        return shared.future.whenComplete((r, e) -> messages.forEach(m -> pending.remove(m.getXid())));
    }

    /**
     * Opens an ONF bundle, adds {@code flowMods} (each built by {@code withXid} for the xid it is given, because the
     * inner xid must equal the envelope's) and commits it atomically; completes on the COMMIT_REPLY, or fails with
     * the first error the switch reports for any part of it.
     */
    CompletableFuture<List<OFMessage>> commitBundle(List<java.util.function.IntFunction<? extends OFMessage>> withXid)
            throws IOException {
        int bundle = BUNDLE_IDS.getAndIncrement();
        Pending shared = new Pending(false);
        List<Long> used = new ArrayList<>();
        List<ByteBuf> frames = new ArrayList<>();
        int openXid = nextXid();
        used.add((long) openXid);
        frames.add(bundleControl(openXid, bundle, BUNDLE_OPEN));
        for (var builder : withXid) {
            int xid = nextXid();
            used.add((long) xid);
            ByteBuf inner = Unpooled.buffer();
            builder.apply(xid).writeTo(inner);
            ByteBuf frame = Unpooled.buffer(24 + inner.readableBytes());
            frame.writeByte(4).writeByte(4).writeShort(24 + inner.readableBytes()).writeInt(xid);
            frame.writeInt(ONF_EXPERIMENTER).writeInt(ONFT_BUNDLE_ADD);
            frame.writeInt(bundle).writeShort(0).writeShort(BUNDLE_FLAGS);
            frame.writeBytes(inner);
            frames.add(frame);
        }
        int commitXid = nextXid();
        used.add((long) commitXid);
        frames.add(bundleControl(commitXid, bundle, BUNDLE_COMMIT));
        used.forEach(x -> pending.put(x, shared));
        pending.put((long) commitXid, new Pending(true, shared.future));
        for (ByteBuf f : frames) {
            write(f);
        }
        return shared.future.whenComplete((r, e) -> used.forEach(pending::remove));
    }

    private static ByteBuf bundleControl(int xid, int bundle, int type) {
        ByteBuf b = Unpooled.buffer(24);
        b.writeByte(4).writeByte(4).writeShort(24).writeInt(xid);
        b.writeInt(ONF_EXPERIMENTER).writeInt(ONFT_BUNDLE_CONTROL);
        b.writeInt(bundle).writeShort(type).writeShort(BUNDLE_FLAGS);
        return b;
    }

    void send(OFMessage message) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        message.writeTo(buf);
        write(buf);
    }

    private void write(ByteBuf buf) throws IOException {
        ByteBuffer nio = buf.nioBuffer();
        synchronized (channel) {
            while (nio.hasRemaining()) {
                channel.write(nio);
            }
        }
    }

    private void readLoop() {
        ByteBuffer header = ByteBuffer.allocate(8);
        try {
            while (!closed) {
                header.clear();
                readFully(header);
                int length = Short.toUnsignedInt(header.getShort(2));
                if (length < 8) {
                    throw new IOException("OpenFlow message with length " + length);
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                body.put(header.array(), 0, 8);
                readFully(body);
                dispatch(Unpooled.wrappedBuffer(body.array()));
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.info("switch {}: connection closed: {}", Long.toHexString(datapathId), e.toString());
            }
        } finally {
            close();
        }
    }

    private void readFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                throw new EOFException("end of stream");
            }
        }
    }

    private void dispatch(ByteBuf buf) {
        int type = buf.getUnsignedByte(1);
        long xid = buf.getUnsignedInt(4);
        if (type == 1) { // ERROR: decoded by hand, so that experimenter (bundle) errors are understood too
            int errType = buf.getUnsignedShort(8);
            int code = buf.getUnsignedShort(10);
            String text = "OpenFlow error type " + errType + " code " + code + describe(buf);
            Pending p = pending.remove(xid);
            if (p != null) {
                p.future.completeExceptionally(new IllegalStateException("switch " + Long.toHexString(datapathId) + ": " + text));
            } else {
                LOG.warn("switch {}: unsolicited {}", Long.toHexString(datapathId), text);
            }
            return;
        }
        if (type == 4 && buf.readableBytes() >= 24 && buf.getInt(8) == ONF_EXPERIMENTER && buf.getInt(12) == ONFT_BUNDLE_CONTROL) {
            Pending p = pending.get(xid);
            if (p != null && buf.getUnsignedShort(20) == BUNDLE_COMMIT_REPLY && p.completesOnReply) {
                pending.remove(xid);
                p.future.complete(List.of());
            }
            return;
        }
        OFMessage m;
        try {
            m = OFFactories.getGenericReader().readFrom(buf);
        } catch (OFParseError e) {
            LOG.debug("switch {}: message type {} not understood: {}", Long.toHexString(datapathId), type, e.toString());
            return;
        }
        if (m instanceof OFEchoRequest echo) {
            try {
                send(OF.buildEchoReply().setXid(echo.getXid()).setData(echo.getData()).build());
            } catch (IOException e) {
                close();
            }
            return;
        }
        if (m instanceof OFPortStatus status) {
            if (status.getReason() == OFPortReason.DELETE) {
                Integer number = status.getDesc().getPortNo().getPortNumber();
                String name = namesByPort.remove(number);
                if (name != null) {
                    portsByName.remove(name);
                }
            } else {
                putPort(status.getDesc());
            }
            return;
        }
        Pending p = pending.get(xid);
        if (p == null) {
            return;
        }
        if (m instanceof OFStatsReply stats) {
            synchronized (p) {
                p.parts.add(m);
            }
            if (stats.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
                return;
            }
        } else {
            p.parts.add(m);
        }
        if (p.completesOnReply || m instanceof OFBarrierReply) {
            pending.remove(xid);
            p.future.complete(List.copyOf(p.parts));
        }
    }

    private static String describe(ByteBuf buf) {
        try {
            return " (" + OFFactories.getGenericReader().readFrom(buf.duplicate()) + ")";
        } catch (OFParseError | RuntimeException e) {
            return "";
        }
    }

    private void putPort(OFPortDesc d) {
        int number = d.getPortNo().getPortNumber();
        portsByName.put(d.getName(), number);
        namesByPort.put(number, d.getName());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        IllegalStateException gone = new IllegalStateException("switch " + Long.toHexString(datapathId) + " disconnected");
        new HashMap<>(pending).values().forEach(p -> p.future.completeExceptionally(gone));
        pending.clear();
        ready.completeExceptionally(gone);
        onClose.accept(this);
    }

    /** A request to a switch that may fail to be written. */
    interface IoCall<T> {
        CompletableFuture<T> call() throws IOException;
    }

    /** Starts {@code call}; a write that fails gives a failed future. */
    static <T> CompletableFuture<T> call(IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new IllegalStateException(e.toString(), e));
        }
    }

    /**
     * The result of {@code f}, waiting up to {@link Switches#TIMEOUT}.
     *
     * @throws IllegalStateException saying it could not {@code what}, and why
     */
    static <T> T await(CompletableFuture<T> f, String what) {
        try {
            return f.get(Switches.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not " + what + ": no answer within " + Switches.TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what);
        }
    }

    /** A request in flight: the parts of its reply so far, and whether a reply to it completes it. */
    private static final class Pending {
        final boolean completesOnReply;
        final CompletableFuture<List<OFMessage>> future;
        final List<OFMessage> parts = new ArrayList<>();

        Pending(boolean completesOnReply) {
            this(completesOnReply, new CompletableFuture<>());
        }

        Pending(boolean completesOnReply, CompletableFuture<List<OFMessage>> future) {
            this.completesOnReply = completesOnReply;
            this.future = future;
        }
    }
}
