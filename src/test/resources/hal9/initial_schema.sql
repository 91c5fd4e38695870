-- A database laid out as HAL9's initial PostgreSQL migration lays it out (HAL9-REFERENCE.md: UUID keys,
-- settings JSONB, TIMESTAMPTZ, an updated_at trigger on neurons, a search_vector trigger on memories, signals
-- range-partitioned by month), written for the tests. memories has no embedding column: HAL9 declares it
-- VECTOR(1536), which needs pgvector, missing on these machines.
CREATE TABLE neurons (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    layer VARCHAR(10) NOT NULL,
    system_prompt TEXT NOT NULL,
    settings JSONB DEFAULT '{}',
    state VARCHAR(50) DEFAULT 'idle',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX neurons_layer ON neurons (layer);

CREATE TABLE memories (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    neuron_id VARCHAR(255) NOT NULL,
    content TEXT NOT NULL,
    importance FLOAT DEFAULT 0.5,
    context JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    search_vector tsvector
);

CREATE TABLE signals (
    id UUID DEFAULT gen_random_uuid(),
    from_neuron VARCHAR(255) NOT NULL,
    to_neuron VARCHAR(255) NOT NULL,
    content TEXT NOT NULL,
    timestamp TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id, timestamp)
) PARTITION BY RANGE (timestamp);
CREATE TABLE signals_2025_06 PARTITION OF signals FOR VALUES FROM ('2025-06-01') TO ('2025-07-01');

CREATE FUNCTION touch_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER update_neurons_updated_at BEFORE UPDATE ON neurons FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE FUNCTION memories_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector := to_tsvector('english', NEW.content);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER memories_search_vector_update BEFORE INSERT OR UPDATE ON memories
    FOR EACH ROW EXECUTE FUNCTION memories_search_vector();

-- An operator's neurons, flat settings as HAL9 keeps them, and their memories.
INSERT INTO neurons (layer, system_prompt, settings) VALUES
    ('L2', 'route incoming signals', '{"neuron_id": "n-1", "neuron_type": "reflex", "activation": 0.9, "threshold": 0.5, "weights": {"n-2": 0.3}}'),
    ('L2', 'plan the week', '{"neuron_id": "n-2", "neuron_type": "planner", "activation": 0.4, "weights": {}, "bias": -0.1, "momentum": 0.7}'),
    ('L2', 'watch latency', '{"neuron_id": "n-3", "neuron_type": "sensor", "activation": 0.2, "weights": {"n-1": 1}, "avg_response_time": 4.5}'),
    ('L2', 'summarise sessions', '{"neuron_id": "n-4", "neuron_type": "summariser", "activation": 0, "weights": {}, "avg_response_time": 120, "connection_count": 3}'),
    ('L2', 'link everything', '{"neuron_id": "n-5", "neuron_type": "hub", "activation": 1, "weights": {"n-4": -0.5}, "avg_response_time": 450, "connection_count": 14}');
INSERT INTO memories (neuron_id, content, importance) VALUES
    ('n-1', 'blocked a burst of requests from one client', 0.9),
    ('n-2', 'moved the release to Thursday', 0.6),
    ('n-3', 'p99 latency rose above 80 ms at noon', 0.8),
    ('n-4', '', 0.1);
INSERT INTO signals (from_neuron, to_neuron, content, timestamp) VALUES ('n-1', 'n-2', 'escalate', '2025-06-03 10:00+00');
