-- Links are a capacity ledger like offers: their capacity comes from the advertised domains (kept at least at what
-- chains hold), and what chains hold is reserved in the chain's own transaction. A CHECK makes overbooking impossible.
CREATE TABLE link (
    link_key      VARCHAR(300)     PRIMARY KEY,
    capacity_mbps DOUBLE PRECISION NOT NULL,
    reserved_mbps DOUBLE PRECISION NOT NULL DEFAULT 0,
    -- counts the changes of reserved_mbps: the read model applies what commits tell it in this order
    version       BIGINT           NOT NULL DEFAULT 0,
    updated_at    TIMESTAMPTZ      NOT NULL,
    CONSTRAINT link_not_overbooked CHECK (reserved_mbps <= capacity_mbps + 1e-6),
    CONSTRAINT link_reservation_non_negative CHECK (reserved_mbps >= -1e-6)
);

-- What each chain holds on each link it crosses (a link crossed twice holds twice); deleted when given back.
CREATE TABLE chain_link (
    chain_id VARCHAR(128)     NOT NULL REFERENCES chain (id),
    link_key VARCHAR(300)     NOT NULL REFERENCES link (link_key),
    mbps     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (chain_id, link_key)
);
CREATE INDEX chain_link_by_link ON chain_link (link_key);

-- Offers count the changes of what chains hold on them too.
ALTER TABLE offer ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
