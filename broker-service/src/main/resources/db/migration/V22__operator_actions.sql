-- What operators did to substitutions (approve, roll back, acknowledge), attributed to the account that did it.
CREATE TABLE operator_action (
    id              BIGSERIAL    PRIMARY KEY,
    at              TIMESTAMPTZ  NOT NULL,
    username        VARCHAR(128) NOT NULL,
    action          VARCHAR(32)  NOT NULL,
    substitution_id VARCHAR(64)  NOT NULL,
    status          INTEGER      NOT NULL,
    detail          TEXT
);
CREATE INDEX operator_action_by_substitution ON operator_action (substitution_id, at);
