-- Who may call the marketplace: one account per person or system, with one role. A provider account acts for
-- one provider id, a buyer account for one buyer id (party_id); operators and admins for none. Secrets are
-- stored only as password hashes (BCrypt).
CREATE TABLE account (
    username      VARCHAR(128) PRIMARY KEY,
    password_hash VARCHAR(100) NOT NULL,
    role          VARCHAR(16)  NOT NULL CHECK (role IN ('PROVIDER', 'BUYER', 'OPERATOR', 'ADMIN')),
    party_id      VARCHAR(128),
    created_at    TIMESTAMPTZ  NOT NULL,
    created_by    VARCHAR(128) NOT NULL,
    CONSTRAINT account_party CHECK ((role IN ('PROVIDER', 'BUYER')) = (party_id IS NOT NULL))
);
