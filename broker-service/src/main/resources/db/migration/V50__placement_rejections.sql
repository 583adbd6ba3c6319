-- Orders refused, with the constraint that refused them, for the demand reports the placement service plans from.
-- One row per refused order and VNF type it asked for (the hop at fault's type, or every type when no hop was).
CREATE TABLE placement_rejection (
    chain_id       VARCHAR(128)     NOT NULL,
    vnf_type       VARCHAR(64)      NOT NULL,
    ingress        VARCHAR(128)     NOT NULL,
    constraint_name VARCHAR(32)     NOT NULL,
    mbps           DOUBLE PRECISION NOT NULL,
    max_latency_ms DOUBLE PRECISION NOT NULL,
    rejected_at    TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (chain_id, vnf_type)
);
CREATE INDEX placement_rejection_by_time ON placement_rejection (rejected_at);
