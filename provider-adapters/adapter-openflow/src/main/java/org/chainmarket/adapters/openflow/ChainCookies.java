package org.chainmarket.adapters.openflow;

import org.chainmarket.schemas.model.ChainId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;

/**
 * What the adapter writes into a switch besides forwarding, so that it can read a chain back from the switch alone.
 *
 * <p><b>Cookie</b> (64 bits): the mark {@code 0xC4} (a rule of this adapter), 40 bits of SHA-256 of the chain id (the
 * chain), 16 bits for what the flow is: the stage of a rule (0..4093), or {@link #NAME} for a name flow. Every flow of
 * a chain shares the cookie under {@link #CHAIN_MASK}, so one masked FLOW_MOD DELETE removes it all and one masked
 * FLOW_STATS request reads it.
 *
 * <p><b>Name flows.</b> A 40-bit hash cannot be turned back into a chain id, and an OpenFlow rule has no other opaque
 * field, so every switch a chain crosses also holds the chain id itself: inert flows in table {@link #NAME_TABLE}
 * (no rule sends a packet there), one per {@link #NAME_BYTES} bytes of the id, priority = the chunk's index, the
 * bytes in the match (metadata, then Ethernet destination and source), no instructions. Pure: no switch is touched.
 */
final class ChainCookies {
    /** The adapter's mark in the cookie's top byte. */
    static final long MARK = 0xC4L << 56;
    /** Selects the mark: every flow of this adapter. */
    static final long MARK_MASK = 0xFFL << 56;
    /** Selects the mark and the chain hash: every flow of one chain. */
    static final long CHAIN_MASK = 0xFFFF_FFFF_FFFF_0000L;
    /** The low 16 bits of a name flow's cookie. */
    static final int NAME = 0xFFFF;
    /** The table that holds the name flows. */
    static final int NAME_TABLE = 200;
    /** Bytes of the chain id per name flow: metadata (8), Ethernet destination (6) and source (6). */
    static final int NAME_BYTES = 20;
    /** The prefix of the id under which flows with this adapter's mark but no name flow are reported. */
    static final String UNNAMED = "unnamed-openflow-";

    private ChainCookies() {
    }

    /** The chain's cookie: the mark and the chain hash, low 16 bits zero. */
    static long chain(ChainId chain) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(chain.value().getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 5; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return MARK | (h << 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cookie of the chain's rule at {@code stage}. */
    static long rule(long chainCookie, int stage) {
        return chainCookie | stage;
    }

    /** The cookie of the chain's name flows. */
    static long name(long chainCookie) {
        return chainCookie | NAME;
    }

    /** Whether a flow's cookie carries the adapter's mark. */
    static boolean ours(long cookie) {
        return (cookie & MARK_MASK) == MARK;
    }

    /** The chain part of a flow's cookie. */
    static long chainOf(long cookie) {
        return cookie & CHAIN_MASK;
    }

    /** The stage (or {@link #NAME}) part of a flow's cookie. */
    static int low(long cookie) {
        return (int) (cookie & 0xFFFF);
    }

    /** The chain id's bytes in name-flow chunks of {@link #NAME_BYTES}, the last padded with zeros. */
    static List<byte[]> nameChunks(ChainId chain) {
        byte[] id = chain.value().getBytes(StandardCharsets.US_ASCII);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < id.length; i += NAME_BYTES) {
            out.add(Arrays.copyOfRange(id, i, i + NAME_BYTES));
        }
        return out;
    }

    /**
     * The chain id spelled by name-flow chunks (by index), if they spell a valid id whose cookie is
     * {@code chainCookie}; empty when a chunk is missing or the name does not belong to the cookie.
     */
    static Optional<ChainId> name(long chainCookie, SortedMap<Integer, byte[]> chunks) {
        if (chunks.isEmpty() || chunks.firstKey() != 0 || chunks.lastKey() != chunks.size() - 1) {
            return Optional.empty();
        }
        StringBuilder s = new StringBuilder();
        for (byte[] c : chunks.values()) {
            for (byte b : c) {
                if (b != 0) {
                    s.append((char) (b & 0xff));
                }
            }
        }
        try {
            ChainId id = ChainId.of(s.toString());
            return chain(id) == chainCookie ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The id under which flows of {@code chainCookie} with no name flow are reported (and torn down). */
    static ChainId unnamed(long chainCookie) {
        return ChainId.of(UNNAMED + HexFormat.of().toHexDigits(chainCookie));
    }

    /** The cookie an {@link #unnamed} id stands for; empty for any other id. */
    static OptionalLong unnamedCookie(ChainId chain) {
        String v = chain.value();
        if (!v.startsWith(UNNAMED) || v.length() != UNNAMED.length() + 16) {
            return OptionalLong.empty();
        }
        try {
            long c = HexFormat.fromHexDigitsToLong(v.substring(UNNAMED.length()));
            return ours(c) && chainOf(c) == c ? OptionalLong.of(c) : OptionalLong.empty();
        } catch (IllegalArgumentException e) {
            return OptionalLong.empty();
        }
    }
}
