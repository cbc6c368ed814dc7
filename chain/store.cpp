// Placeholder: replaced by the RocksDB store.
