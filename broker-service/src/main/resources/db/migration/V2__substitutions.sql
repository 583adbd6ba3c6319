-- A substitution holds the new hops' capacity beside the old ones until the new path is active
-- (make-before-break), so a hop may briefly have two reservations.
ALTER TABLE chain_reservation DROP CONSTRAINT chain_reservation_pkey;
ALTER TABLE chain_reservation ADD PRIMARY KEY (chain_id, hop_index, offer_id);

ALTER TABLE chain ADD COLUMN substitution_id VARCHAR(64);

-- Substitutions for operators to review: trigger, before and after, outcome.
CREATE TABLE substitution (
    id              VARCHAR(64)  PRIMARY KEY,
    chain_id        VARCHAR(128) NOT NULL REFERENCES chain (id),
    buyer_id        VARCHAR(128) NOT NULL,
    policy          VARCHAR(16)  NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    outcome         TEXT,
    trigger_kind    VARCHAR(16)  NOT NULL,
    trigger_subject VARCHAR(256) NOT NULL,
    trigger_json    TEXT         NOT NULL,
    before_json     TEXT         NOT NULL,
    after_json      TEXT,
    changed_hops    VARCHAR(256) NOT NULL,
    triggered_at    TIMESTAMPTZ  NOT NULL,
    updated_at      TIMESTAMPTZ  NOT NULL,
    completed_at    TIMESTAMPTZ,
    trigger_to_active_ms BIGINT,
    rollback_of     VARCHAR(64),
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by VARCHAR(128)
);
CREATE INDEX substitution_by_time ON substitution (triggered_at DESC);
CREATE INDEX substitution_by_chain ON substitution (chain_id);
