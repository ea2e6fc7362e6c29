-- Conversations and their messages: the same shape as the embedded SQLite store's (schema version 2 there).
-- Times are epoch milliseconds. last_seq is the number of the conversation's newest message: an append takes the
-- conversation row's lock by raising it, so appends from any number of nodes are numbered 1, 2, 3... without gaps.

CREATE TABLE conversations (
    id         TEXT   PRIMARY KEY,
    tenant     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    last_seq   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE messages (
    conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             BIGINT  NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
    content         TEXT    NOT NULL,
    tool_calls_json TEXT,
    tool_call_id    TEXT,
    tool_name       TEXT,
    is_error        BOOLEAN NOT NULL DEFAULT FALSE,
    status          TEXT    NOT NULL,
    finish_reason   TEXT,
    created_at      BIGINT  NOT NULL,
    thinking        TEXT,
    stats_json      TEXT,
    PRIMARY KEY (conversation_id, seq)
);
