package org.chainmarket.broker.store.migration;

import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Chains stored before links were a ledger (migration V3) hold their links too: every chain still holding capacity
 * (set up, active, degraded, being substituted or torn down) whose path has no {@code chain_link} rows gets them, as
 * it would have got them when ordered: the bandwidth it puts on each link of its path (twice on a link crossed twice),
 * and while it is being substituted the larger of its old and new paths' per link. Each link's counter takes what
 * its new rows hold (its capacity is kept at least at that, as the registry keeps it); the link rows of the advertised
 * network are written first. A link no advertised domain has any more is left out and logged.
 */
public class V30__Backfill_chain_links extends BaseJavaMigration {
    private static final Logger LOG = LoggerFactory.getLogger(V30__Backfill_chain_links.class);

    @Override
    public void migrate(Context context) throws SQLException {
        Connection db = context.getConnection();
        Set<String> links = advertisedLinks(db);
        Map<String, Double> held = new TreeMap<>();
        Set<String> unknown = new HashSet<>();
        int chains = 0;
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT c.id, c.bandwidth_mbps, c.concrete_json, sub.after_json FROM chain c "
                     + "LEFT JOIN substitution sub ON sub.id = c.substitution_id AND sub.status = 'APPLYING' "
                     + "WHERE c.state IN ('SETTING_UP', 'ACTIVE', 'DEGRADED', 'SUBSTITUTING', 'TEARING_DOWN') AND c.concrete_json IS NOT NULL "
                     + "AND NOT EXISTS (SELECT 1 FROM chain_link cl WHERE cl.chain_id = c.id) ORDER BY c.id");
             PreparedStatement insert = db.prepareStatement("INSERT INTO chain_link (chain_id, link_key, mbps) VALUES (?, ?, ?)")) {
            while (rs.next()) {
                String chain = rs.getString(1);
                double mbps = rs.getDouble(2);
                Map<String, Double> load = new TreeMap<>(MarketSnapshot.linkUse(Json.read(rs.getString(3), ConcreteChain.class), mbps));
                String after = rs.getString(4);
                if (after != null) {
                    MarketSnapshot.linkUse(Json.read(after, ConcreteChain.class), mbps).forEach((k, v) -> load.merge(k, v, Math::max));
                }
                boolean any = false;
                for (Map.Entry<String, Double> e : load.entrySet()) {
                    if (!links.contains(e.getKey())) {
                        unknown.add(e.getKey());
                        continue;
                    }
                    insert.setString(1, chain);
                    insert.setString(2, e.getKey());
                    insert.setDouble(3, e.getValue());
                    insert.addBatch();
                    held.merge(e.getKey(), e.getValue(), Double::sum);
                    any = true;
                }
                chains += any ? 1 : 0;
            }
            insert.executeBatch();
        }
        try (PreparedStatement update = db.prepareStatement("UPDATE link SET reserved_mbps = reserved_mbps + ?, "
                + "capacity_mbps = GREATEST(capacity_mbps, reserved_mbps + ?), version = version + 1, updated_at = now() WHERE link_key = ? "
                + "RETURNING reserved_mbps, capacity_mbps")) {
            for (Map.Entry<String, Double> e : held.entrySet()) {
                update.setDouble(1, e.getValue());
                update.setDouble(2, e.getValue());
                update.setString(3, e.getKey());
                try (ResultSet rs = update.executeQuery()) {
                    if (rs.next() && rs.getDouble(1) >= rs.getDouble(2) - 1e-6) {
                        LOG.warn("link {} is full with what chains stored before the link ledger hold on it ({} Mbit/s)", e.getKey(), rs.getDouble(1));
                    }
                }
            }
        }
        LOG.info("link ledger back-filled: {} chains hold {} links{}", chains, held.size(),
                unknown.isEmpty() ? "" : "; left out, no advertised domain has them: " + unknown);
    }

    /** Writes the link rows of the advertised network (as the registry does), and returns their keys. */
    private static Set<String> advertisedLinks(Connection db) throws SQLException {
        List<ProviderDomain> live = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT domain_json FROM provider WHERE NOT withdrawn ORDER BY id")) {
            while (rs.next()) {
                live.add(Json.read(rs.getString(1), ProviderDomain.class));
            }
        }
        Set<String> keys = new HashSet<>();
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO link (link_key, capacity_mbps, reserved_mbps, updated_at) "
                + "VALUES (?, ?, 0, now()) ON CONFLICT (link_key) DO NOTHING")) {
            for (NetLink l : MultiDomainNetwork.of(live).links().stream().sorted(Comparator.comparing(NetLink::key)).toList()) {
                insert.setString(1, l.key());
                insert.setDouble(2, l.bandwidthMbps());
                insert.addBatch();
                keys.add(l.key());
            }
            insert.executeBatch();
        }
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT link_key FROM link")) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }
}
