-- Accounts: single-use emailed tokens, the per-account log-in back-off and the site's own keys.
-- Applied by `corkboard migrate`; never edit once applied anywhere.

-- Emailed links (verify an address, reset a password, confirm a new address). Only the SHA-256
-- of the token is stored; a token is spent by one UPDATE … WHERE used_at IS NULL AND
-- expires_at > now, so it works once even with two clicks racing in two workers.
CREATE TABLE account_tokens (
    token_hash BINARY(32)   NOT NULL,
    user_id    BIGINT       NOT NULL,
    purpose    ENUM('verify', 'reset', 'email_change') NOT NULL,
    new_email  VARCHAR(254) NULL,            -- email_change: the address being confirmed
    created_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    expires_at DATETIME(6)  NOT NULL,
    used_at    DATETIME(6)  NULL,
    PRIMARY KEY (token_hash),
    KEY account_tokens_user (user_id, purpose, created_at),   -- resend limits, "spend the rest"
    KEY account_tokens_expires (expires_at),
    CONSTRAINT account_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed log-ins per email address (known or not, so the back-off itself tells nothing about
-- which addresses have accounts). Shared by every worker and host through the primary.
CREATE TABLE login_failures (
    email        VARCHAR(254) NOT NULL,
    failures     INT UNSIGNED NOT NULL DEFAULT 0,
    locked_until DATETIME(6)  NULL,
    updated_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (email),
    KEY login_failures_updated (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Keys the site signs with (the anonymous forms' CSRF tokens). Made here, once, by the server's
-- own random generator, so no deployment has to invent one and every worker shares it.
CREATE TABLE site_keys (
    name       VARCHAR(40) NOT NULL,
    secret     BINARY(32)  NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO site_keys (name, secret) VALUES ('csrf', RANDOM_BYTES(32));
